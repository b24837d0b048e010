package dev.streamproxy.it.tunnel;

import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A WebSocket or Upgrade scenario, run once per container host of the matrix ({@link TunnelMatrix}). The method takes
 * a {@link TunnelApp}, started once per test class and host, and optionally the
 * {@link dev.streamproxy.it.host.HostKind}; after each run nothing of any tunnel may be left.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@TestTemplate
@ExtendWith(TunnelMatrix.class)
@interface TunnelTest {
}
