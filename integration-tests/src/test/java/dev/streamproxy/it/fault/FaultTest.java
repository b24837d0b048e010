package dev.streamproxy.it.fault;

import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A hostile input or fault, run once per container host of the matrix ({@link FaultMatrix}). The method takes a
 * {@link FaultApp} (started once per test class and host) and optionally the {@link dev.streamproxy.it.host.HostKind}.
 * Before each run the upstream is reset to its echo handler; after each run every pool must be back to zero leased
 * connections and no request thread may be left inside the proxy, both polled with a deadline.
 * The assertions live in the annotated test methods and in {@link FaultMatrix}'s after-each checks (the leak check and
 * the stuck-thread check).
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@TestTemplate
@ExtendWith(FaultMatrix.class)
public @interface FaultTest {
}
