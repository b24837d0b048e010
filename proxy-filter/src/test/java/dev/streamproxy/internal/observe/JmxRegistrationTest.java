package dev.streamproxy.internal.observe;

import dev.streamproxy.PoolStatistics;
import dev.streamproxy.RouteStatistics;
import dev.streamproxy.TargetState;
import dev.streamproxy.TargetStatistics;
import org.junit.jupiter.api.Test;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import java.lang.management.ManagementFactory;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JmxRegistrationTest {

    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();

    private static RouteStatistics stats() {
        TargetStatistics t = new TargetStatistics("http://10.0.0.5:9000/svc", "10.0.0.5:9000", 1, TargetState.EJECTED,
                2, 10, 4, 1, new PoolStatistics(2, 1, 0, 64));
        return new RouteStatistics(12, 2, 7, 1, 1, 1, 1, 1, 3, 100, 200, 0, 0, 0, List.of(t), new PoolStatistics(2, 1, 0, 64));
    }

    @Test
    void registersUnderTheContextAndFilterNameAndUnregistersOnClose() throws Exception {
        JmxRegistration reg = JmxRegistration.register("/shop", "api", new RouteMBean(JmxRegistrationTest::stats));
        ObjectName name = new ObjectName("dev.streamproxy:type=Route,context=/shop,name=api");
        assertEquals(name, reg.name());
        assertTrue(server.isRegistered(name));
        assertEquals(12L, server.getAttribute(name, "Requests"));
        assertEquals(3L, server.getAttribute(name, "Retries"));
        assertEquals(200L, server.getAttribute(name, "BytesOut"));
        CompositeData[] targets = (CompositeData[]) server.getAttribute(name, "Targets");
        assertEquals("EJECTED", targets[0].get("state"));
        assertEquals(2, targets[0].get("leased"));
        reg.close();
        assertFalse(server.isRegistered(name));
    }

    @Test
    void theRootContextIsASlashAndTheSameNameInAnotherJvmSlotGetsAnInstanceKey() throws Exception {
        JmxRegistration first = JmxRegistration.register("", "api", new RouteMBean(JmxRegistrationTest::stats));
        JmxRegistration second = JmxRegistration.register("", "api", new RouteMBean(JmxRegistrationTest::stats));
        try {
            assertEquals(new ObjectName("dev.streamproxy:type=Route,context=/,name=api"), first.name());
            assertEquals(new ObjectName("dev.streamproxy:type=Route,context=/,name=api,instance=2"), second.name());
        } finally {
            first.close();
            second.close();
        }
    }

    @Test
    void aFilterNameWithReservedCharactersIsQuoted() throws Exception {
        JmxRegistration reg = JmxRegistration.register("/a", "my,api=1", new RouteMBean(JmxRegistrationTest::stats));
        try {
            assertEquals("my,api=1", ObjectName.unquote(reg.name().getKeyProperty("name")));
        } finally {
            reg.close();
        }
    }
}
