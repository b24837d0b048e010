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

import java.lang.annotation.Annotation;
import java.util.List;
import java.util.stream.Stream;

/**
 * What {@link ContainerMatrix} and {@code fault.FaultMatrix} share: run each method carrying the matrix's annotation
 * once per enabled {@link HostKind}, named {@code [<host id>]}, against an app of type {@code A} started on first use
 * and shared by the tests of one class (JUnit closes it when the class is done), resolved as a parameter together
 * with the {@link HostKind}. Before each run the upstream is reset; after each run {@link #afterEach} makes the
 * subclass's checks.
 */
public abstract class HostMatrix<A extends MatrixApp> implements TestTemplateInvocationContextProvider {

    private final Class<? extends Annotation> annotation;
    private final Class<A> appType;
    private final String appDescription;
    private final ExtensionContext.Namespace namespace = ExtensionContext.Namespace.create(getClass());

    /** @param appDescription names the app in the error when it cannot start, e.g. "application" */
    protected HostMatrix(Class<? extends Annotation> annotation, Class<A> appType, String appDescription) {
        this.annotation = annotation;
        this.appType = appType;
        this.appDescription = appDescription;
    }

    /** Starts the app for one test class and host. */
    protected abstract A start(ExtensionContext classContext, HostKind kind) throws Exception;

    /** The after-each checks on {@code app}, which also reset its upstream. */
    protected abstract void afterEach(A app);

    /** Before each run: the upstream back to its echo handler, its records cleared. */
    protected void beforeEach(A app) {
        app.upstream().reset();
    }

    @Override
    public boolean supportsTestTemplate(ExtensionContext context) {
        return context.getTestMethod().map(m -> m.isAnnotationPresent(annotation)).orElse(false);
    }

    @Override
    public Stream<TestTemplateInvocationContext> provideTestTemplateInvocationContexts(ExtensionContext context) {
        return HostKind.enabled().stream().map(HostInvocation::new);
    }

    /** @return the host's app for the test class of {@code context}, starting it on first use */
    private A app(ExtensionContext context, HostKind kind) {
        ExtensionContext classContext = context;
        while (classContext.getTestMethod().isPresent() && classContext.getParent().isPresent()) {
            classContext = classContext.getParent().get();
        }
        ExtensionContext owner = classContext;
        return owner.getStore(namespace).getOrComputeIfAbsent(kind, k -> {
            try {
                return start(owner, kind);
            } catch (Exception e) {
                throw new IllegalStateException("could not start the " + appDescription + " in " + kind, e);
            }
        }, appType);
    }

    private final class HostInvocation implements TestTemplateInvocationContext {
        private final HostKind kind;

        HostInvocation(HostKind kind) {
            this.kind = kind;
        }

        @Override
        public String getDisplayName(int invocationIndex) {
            return "[" + kind.id() + "]";
        }

        @Override
        public List<Extension> getAdditionalExtensions() {
            return List.of(new AppResolver(kind), new BeforeAndAfter(kind));
        }
    }

    private final class AppResolver implements ParameterResolver {
        private final HostKind kind;

        AppResolver(HostKind kind) {
            this.kind = kind;
        }

        @Override
        public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
            Class<?> type = parameter.getParameter().getType();
            return type == appType || type == HostKind.class;
        }

        @Override
        public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
            return parameter.getParameter().getType() == HostKind.class ? kind : app(context, kind);
        }
    }

    private final class BeforeAndAfter implements BeforeEachCallback, AfterEachCallback {
        private final HostKind kind;

        BeforeAndAfter(HostKind kind) {
            this.kind = kind;
        }

        @Override
        public void beforeEach(ExtensionContext context) {
            HostMatrix.this.beforeEach(app(context, kind));
        }

        @Override
        public void afterEach(ExtensionContext context) {
            HostMatrix.this.afterEach(app(context, kind));
        }
    }
}
