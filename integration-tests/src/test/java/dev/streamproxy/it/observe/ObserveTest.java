package dev.streamproxy.it.observe;

import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * An observability check (request ids, Server-Timing, access log, JMX, Micrometer), run once per container host of
 * the matrix ({@link ObserveMatrix}). The method takes an {@link ObserveApp} (started once per test class and host)
 * and optionally the {@link dev.streamproxy.it.host.HostKind}.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@TestTemplate
@ExtendWith(ObserveMatrix.class)
public @interface ObserveTest {
}
