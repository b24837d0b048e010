package dev.streamproxy.it;

import dev.streamproxy.it.support.Await;
import dev.streamproxy.it.support.Deployment;
import dev.streamproxy.it.support.JvmJmx;
import dev.streamproxy.it.support.RawRequest;
import dev.streamproxy.it.support.RawResponse;
import dev.streamproxy.it.support.TomcatDistribution;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import javax.management.JMException;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Redeploying the example WAR in a real Tomcat distribution: its three routes ({@code api}, {@code legacy},
 * {@code workers}) register one MBean each in Tomcat's JVM, undeploying it (removing the WAR, as an operator does)
 * removes them and leaves no class loader behind (Tomcat's own leak detection, the operation behind the Manager's
 * "Find leaks"), and deploying it again brings the three back exactly once, with fresh counters. Tomcat's MBean
 * server is reached over JMX by attaching to its JVM ({@link JvmJmx}); the WAR is undeployed and deployed by
 * Tomcat's auto-deployer, asked to look at once ({@code HostConfig.check}) instead of at its next background run.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class TomcatDistributionRedeployIT {

    private static final String CONTEXT = "/example";
    private static final List<String> ROUTES = List.of("api", "legacy", "workers");
    private static final Duration DEPLOY = Duration.ofSeconds(60);
    /** Tomcat's leak check forces a full GC on each call; a class loader may need a few to go. */
    private static final Duration LEAK_CHECK = Duration.ofSeconds(30);

    @RegisterExtension
    static final Deployment.Deployments DEPLOYMENTS = new Deployment.Deployments("example-redeploy",
            (base, upstream) -> TomcatDistributionWarIT.retarget(Path.of(System.getProperty("streamproxy.it.example.war")),
                    base.resolve("webapps/example.war"), "http://" + upstream.authority()));

    static Stream<Named<Path>> distributions() {
        return TomcatDistribution.homes().stream().map(h -> Named.of("Tomcat " + TomcatDistribution.version(h), h));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("distributions")
    void undeployingRemovesTheMBeansAndLeaksNoClassLoaderAndRedeployingBringsThemBackOnce(Path home) throws Exception {
        Deployment d = DEPLOYMENTS.on(home);
        Path war = d.tomcat().base().resolve("webapps/example.war");
        Path aside = d.tomcat().base().resolve("example.war.undeployed");
        try (JvmJmx jmx = JvmJmx.attach(d.tomcat().pid())) {
            MBeanServerConnection c = jmx.connection();
            ObjectName host = only(c, "Catalina:type=Host,host=localhost");
            ObjectName deployer = only(c, "Catalina:type=Deployer,host=localhost");
            Set<String> expected = new TreeSet<>();
            for (String route : ROUTES) {
                expected.add("dev.streamproxy:type=Route,context=" + CONTEXT + ",name=" + route);
            }

            // deployed: one bean per route, and a route that has proxied shows it
            assertEquals(expected, streamproxyBeans(c), "the MBeans of the deployed example");
            RawResponse echo = d.send(RawRequest.get(CONTEXT + "/api/echo"));
            assertEquals(200, echo.status(), echo::toString);
            ObjectName api = new ObjectName("dev.streamproxy:type=Route,context=" + CONTEXT + ",name=api");
            Await.until(Duration.ofSeconds(10), "the api route counting its exchange",
                    () -> Long.valueOf(1).equals(attribute(c, api, "Ok")), () -> attribute(c, api, "Requests"));

            // undeploy: the WAR goes away (Tomcat removes the expanded directory itself)
            Files.move(war, aside, StandardCopyOption.ATOMIC_MOVE);
            Await.until(DEPLOY, "Tomcat undeploying " + CONTEXT, () -> deployed(c, deployer, false),
                    d.tomcat()::logs);
            assertEquals(Set.of(), streamproxyBeans(c), "MBeans left behind by the undeployed example");

            // Tomcat's own leak detection: the contexts whose stopped class loader is still in memory after a GC
            String[] leaks;
            int checks = 0;
            long deadline = System.nanoTime() + LEAK_CHECK.toNanos();
            do {
                leaks = (String[]) c.invoke(host, "findReloadedContextMemoryLeaks", null, null);
                checks++;
            } while (Arrays.asList(leaks).contains(CONTEXT) && System.nanoTime() < deadline);
            System.out.println("[Tomcat " + d.tomcat().version() + "] findReloadedContextMemoryLeaks after the undeploy: "
                    + Arrays.toString(leaks) + " (" + checks + " call(s))");
            assertTrue(!Arrays.asList(leaks).contains(CONTEXT), "Tomcat finds the undeployed " + CONTEXT
                    + " still in memory after " + LEAK_CHECK + " of forced GCs: " + Arrays.toString(leaks)
                    + diagnosis(c, d.tomcat()));

            // redeploy: the same WAR, back in webapps/
            Files.move(aside, war, StandardCopyOption.ATOMIC_MOVE);
            Await.until(DEPLOY, "Tomcat deploying " + CONTEXT + " again", () -> deployed(c, deployer, true),
                    d.tomcat()::logs);
            assertEquals(expected, streamproxyBeans(c), "the MBeans of the redeployed example: each exactly once");
            RawResponse again = d.send(RawRequest.get(CONTEXT + "/api/echo"));
            assertEquals(200, again.status(), again::toString);
            Await.until(Duration.ofSeconds(10), "the redeployed api route counting its first exchange",
                    () -> Long.valueOf(1).equals(attribute(c, api, "Ok")), () -> attribute(c, api, "Requests"));
            assertEquals(1L, attribute(c, api, "Requests"), "the bean is the new route's, counting from zero");
            System.out.println("[Tomcat " + d.tomcat().version() + "] redeployed; Tomcat's log says of threads: "
                    + threadWarnings(d.tomcat()));
        } finally {
            if (Files.exists(aside) && !Files.exists(war)) {
                Files.move(aside, war, StandardCopyOption.ATOMIC_MOVE);
            }
        }
    }

    /** @return every {@code dev.streamproxy} MBean of the JVM, by name */
    private static Set<String> streamproxyBeans(MBeanServerConnection c) {
        try {
            return c.queryNames(new ObjectName("dev.streamproxy:*"), null).stream().map(ObjectName::toString)
                    .collect(Collectors.toCollection(TreeSet::new));
        } catch (IOException | JMException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Asks the auto-deployer to look at the example now (what its background thread does every 10 s), then tells
     * whether Tomcat has it deployed and running ({@code want} true) or fully gone ({@code want} false).
     */
    private static boolean deployed(MBeanServerConnection c, ObjectName deployer, boolean want) {
        try {
            String[] signature = {String.class.getName()};
            c.invoke(deployer, "check", new Object[] {CONTEXT}, signature);
            boolean deployed = (Boolean) c.invoke(deployer, "isDeployed", new Object[] {CONTEXT}, signature);
            Set<ObjectName> modules = c.queryNames(new ObjectName("Catalina:j2eeType=WebModule,name=//localhost"
                    + CONTEXT + ",*"), null);
            if (!want) {
                return !deployed && modules.isEmpty();
            }
            for (ObjectName m : modules) {
                if (deployed && "STARTED".equals(String.valueOf(c.getAttribute(m, "stateName")))) {
                    return true;
                }
            }
            return false;
        } catch (IOException | JMException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Object attribute(MBeanServerConnection c, ObjectName name, String attribute) {
        try {
            return c.getAttribute(name, attribute);
        } catch (IOException | JMException e) {
            return e.toString();
        }
    }

    private static ObjectName only(MBeanServerConnection c, String name) throws IOException, JMException {
        Set<ObjectName> found = c.queryNames(new ObjectName(name), null);
        assertEquals(1, found.size(), () -> name + " in Tomcat's JVM: " + found);
        return found.iterator().next();
    }

    /** What holds a leaked class loader, as far as JMX can tell: the filter's threads and beans, Tomcat's log. */
    private static String diagnosis(MBeanServerConnection c, TomcatDistribution tomcat) {
        StringBuilder sb = new StringBuilder("\n");
        try {
            ThreadMXBean threads = ManagementFactory.newPlatformMXBeanProxy(c, ManagementFactory.THREAD_MXBEAN_NAME,
                    ThreadMXBean.class);
            for (ThreadInfo t : threads.dumpAllThreads(false, false)) {
                if (t.getThreadName().startsWith("streamproxy")) {
                    sb.append("thread ").append(t.getThreadName()).append(' ').append(t.getThreadState()).append('\n');
                    for (StackTraceElement e : t.getStackTrace()) {
                        sb.append("\tat ").append(e).append('\n');
                    }
                }
            }
            sb.append("streamproxy MBeans: ").append(streamproxyBeans(c)).append('\n');
            Object histogram = c.invoke(new ObjectName("com.sun.management:type=DiagnosticCommand"),
                    "gcClassHistogram", new Object[] {new String[0]}, new String[] {String[].class.getName()});
            String relevant = String.valueOf(histogram).lines()
                    .filter(l -> l.contains("dev.streamproxy") || l.contains("WebappClassLoader"))
                    .collect(Collectors.joining("\n"));
            sb.append("class histogram (streamproxy, web application class loaders):\n").append(relevant).append('\n');
        } catch (Exception e) {
            sb.append("(diagnosis failed: ").append(e).append(")\n");
        }
        sb.append("Tomcat's warnings about threads: ").append(threadWarnings(tomcat));
        return sb.toString();
    }

    /** Tomcat's "appears to have started a thread named [...]" and ThreadLocal warnings, from its logs. */
    private static List<String> threadWarnings(TomcatDistribution tomcat) {
        return tomcat.logs().lines().filter(l -> l.contains("appears to have started a thread")
                || l.contains("ThreadLocal with key")).distinct().toList();
    }
}
