package dev.streamproxy.it.upstream;

import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A scenario of several upstreams per route, run once per container host of the matrix ({@link FleetMatrix}). The
 * method takes a {@link FleetApp} (started once per test class and host) and optionally the
 * {@link dev.streamproxy.it.host.HostKind}. Before each run every upstream of the fleet is reset to its echo handler;
 * after each run no connection may be leased and no exchange in flight on any target of any route, and no request
 * thread may be left inside the proxy, all polled with a deadline.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@TestTemplate
@ExtendWith(FleetMatrix.class)
public @interface FleetTest {
}
