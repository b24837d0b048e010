package dev.streamproxy.it.host;

import jakarta.servlet.DispatcherType;
import org.eclipse.jetty.ee11.servlet.FilterHolder;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.ee11.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Jetty;

import java.util.EnumSet;

/** Embedded Jetty 12, ee11 environment (Servlet 6.1), with Jetty's default HTTP configuration. */
public final class JettyEe11Host implements ContainerHost {

    private Server server;

    public JettyEe11Host(HostKind kind) {
        // one kind only
    }

    @Override
    public int start(WebApp app) throws Exception {
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler(app.contextPath());
        for (WebApp.FilterMapping f : app.filters()) {
            FilterHolder holder = new FilterHolder(f.filter());
            holder.setName(f.name());
            holder.setAsyncSupported(f.asyncSupported());
            context.addFilter(holder, f.urlPattern(), EnumSet.of(DispatcherType.REQUEST));
        }
        ServletHolder servlet = new ServletHolder("app", app.servlet());
        servlet.setAsyncSupported(true);
        context.addServlet(servlet, "/");
        server.setHandler(context);
        server.start();
        return connector.getLocalPort();
    }

    @Override
    public String description() {
        return "Jetty " + Jetty.VERSION + " ee11";
    }

    @Override
    public void close() {
        if (server != null) {
            try {
                server.stop();
            } catch (Exception e) {
                throw new IllegalStateException("Jetty did not stop cleanly", e);
            }
        }
    }
}
