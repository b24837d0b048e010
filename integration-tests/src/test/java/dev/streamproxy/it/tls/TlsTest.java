package dev.streamproxy.it.tls;

import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A scenario against TLS upstreams, run once per container host of the matrix ({@link TlsMatrix}). The method takes a
 * {@link TlsApp}, started once per test class and host; after each run every pool must be back to zero leased
 * connections.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@TestTemplate
@ExtendWith(TlsMatrix.class)
@interface TlsTest {
}
