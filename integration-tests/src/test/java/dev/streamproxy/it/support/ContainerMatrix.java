package dev.streamproxy.it.support;

import dev.streamproxy.it.host.HostKind;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.Extension;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestTemplateInvocationContext;
import org.junit.jupiter.api.extension.TestTemplateInvocationContextProvider;

import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/**
 * Runs each {@link ContainerTest} once per enabled {@link HostKind}, the way Jetty's proxy tests run every case
 * against each implementation. The {@link ProxiedApp} of a host is started on first use and shared by the tests of
 * one class; JUnit closes it when the class is done.
 */
public final class ContainerMatrix implements TestTemplateInvocationContextProvider {

    /** How long a pool may take to see the release of a connection after the client got its response. */
    static final Duration RELEASE_DEADLINE = Duration.ofSeconds(5);

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(ContainerMatrix.class);

    @Override
    public boolean supportsTestTemplate(ExtensionContext context) {
        return context.getTestMethod().map(m -> m.isAnnotationPresent(ContainerTest.class)).orElse(false);
    }

    /** A JVM that runs no embedded host (the real-Tomcat execution) runs no matrix test. */
    @Override
    public boolean mayReturnZeroTestTemplateInvocationContexts(ExtensionContext context) {
        return true;
    }

    @Override
    public Stream<TestTemplateInvocationContext> provideTestTemplateInvocationContexts(ExtensionContext context) {
        return HostKind.enabled().stream().map(HostInvocation::new);
    }

    /** @return the host's app for the test class of {@code context}, starting it on first use */
    static ProxiedApp app(ExtensionContext context, HostKind kind) {
        ExtensionContext classContext = context;
        while (classContext.getTestMethod().isPresent() && classContext.getParent().isPresent()) {
            classContext = classContext.getParent().get();
        }
        List<Route> routes = classContext.getTestClass()
                .map(c -> List.of(c.getAnnotationsByType(Route.class))).orElse(List.of());
        return classContext.getStore(NAMESPACE).getOrComputeIfAbsent(kind, k -> {
            try {
                return ProxiedApp.start(kind, routes);
            } catch (Exception e) {
                throw new IllegalStateException("could not start the application in " + kind, e);
            }
        }, ProxiedApp.class);
    }

    private record HostInvocation(HostKind kind) implements TestTemplateInvocationContext {

        @Override
        public String getDisplayName(int invocationIndex) {
            return "[" + kind.id() + "]";
        }

        @Override
        public List<Extension> getAdditionalExtensions() {
            return List.of(new AppResolver(kind), new BeforeAndAfter(kind));
        }
    }

    private record AppResolver(HostKind kind) implements ParameterResolver {
        @Override
        public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
            Class<?> type = parameter.getParameter().getType();
            return type == ProxiedApp.class || type == HostKind.class;
        }

        @Override
        public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
            return parameter.getParameter().getType() == HostKind.class ? kind : app(context, kind);
        }
    }

    private record BeforeAndAfter(HostKind kind) implements BeforeEachCallback, AfterEachCallback {
        @Override
        public void beforeEach(ExtensionContext context) {
            app(context, kind).upstream().reset();
        }

        @Override
        public void afterEach(ExtensionContext context) {
            ProxiedApp app = app(context, kind);
            app.awaitNoLeasedConnections(RELEASE_DEADLINE);
            app.upstream().reset();
        }
    }
}
