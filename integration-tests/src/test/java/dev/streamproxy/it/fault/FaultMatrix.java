package dev.streamproxy.it.fault;

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
 * Runs each {@link FaultTest} once per enabled {@link HostKind} (the same hosts as the container matrix, named by
 * {@code streamproxy.it.hosts}), against a {@link FaultApp} started on first use and shared by one test class.
 */
public final class FaultMatrix implements TestTemplateInvocationContextProvider {

    /** How long the pool and the request threads may take to settle after a fault. */
    static final Duration QUIET_DEADLINE = Duration.ofSeconds(10);

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(FaultMatrix.class);

    @Override
    public boolean supportsTestTemplate(ExtensionContext context) {
        return context.getTestMethod().map(m -> m.isAnnotationPresent(FaultTest.class)).orElse(false);
    }

    @Override
    public Stream<TestTemplateInvocationContext> provideTestTemplateInvocationContexts(ExtensionContext context) {
        return HostKind.enabled().stream().map(HostInvocation::new);
    }

    static FaultApp app(ExtensionContext context, HostKind kind) {
        ExtensionContext classContext = context;
        while (classContext.getTestMethod().isPresent() && classContext.getParent().isPresent()) {
            classContext = classContext.getParent().get();
        }
        return classContext.getStore(NAMESPACE).getOrComputeIfAbsent(kind, k -> {
            try {
                return FaultApp.start(kind);
            } catch (Exception e) {
                throw new IllegalStateException("could not start the fault application in " + kind, e);
            }
        }, FaultApp.class);
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
            return type == FaultApp.class || type == HostKind.class;
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
            FaultApp app = app(context, kind);
            try {
                app.awaitQuiet(QUIET_DEADLINE);
            } finally {
                app.upstream().reset();
            }
        }
    }
}
