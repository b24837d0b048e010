package dev.streamproxy.it.support;

import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A scenario that runs once per container host of the matrix ({@link ContainerMatrix}). The test method takes a
 * {@link ProxiedApp} parameter: the standard application, started once per test class and host. Before each run the
 * upstream is reset to its echo handler; after each run every proxy pool must be back to zero leased connections.
 * The assertions live in the annotated test methods and in {@link ContainerMatrix}'s after-each checks (the leak
 * check; the stuck-thread check is the fault matrix's).
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@TestTemplate
@ExtendWith(ContainerMatrix.class)
public @interface ContainerTest {
}
