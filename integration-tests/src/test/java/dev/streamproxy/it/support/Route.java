package dev.streamproxy.it.support;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * An extra proxy route for the {@link ProxiedApp} of one test class, next to the standard ones: filter {@code name}
 * on {@code /<name>/*} with prefix {@code /<name>}, targeting the upstream's {@code /svc}, configured with
 * {@code params} exactly as {@code web.xml} init-params would ({@code "maxRequestBodySize=1k"}), so a test class can
 * exercise any setting without a new fixture.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Repeatable(Route.List.class)
public @interface Route {

    /** The filter name, also its path segment and prefix. */
    String name();

    /** Init-params as {@code name=value}; targetUri and prefix are set by the fixture. */
    String[] params() default {};

    /**
     * Whether a filter that is not async-supported runs before the route on its path, as in a {@code web.xml} that
     * never says {@code <async-supported>}: the route's exchanges then cannot go async.
     */
    boolean behindBlockingFilter() default false;

    /** Container for repeated {@link Route}s. */
    @Target(ElementType.TYPE)
    @Retention(RetentionPolicy.RUNTIME)
    @Documented
    @interface List {
        Route[] value();
    }
}
