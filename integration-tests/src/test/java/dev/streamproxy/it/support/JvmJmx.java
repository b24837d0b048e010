package dev.streamproxy.it.support;

import com.sun.tools.attach.VirtualMachine;

import javax.management.MBeanServerConnection;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import java.io.IOException;

/**
 * The MBean server of another JVM on this machine (a real Tomcat started by a test), reached the way {@code jconsole}
 * does: the JDK's attach API starts that JVM's local management agent, whose address is then connected to. Nothing
 * has to be configured in the target JVM and no port is opened beyond the agent's own on the loopback interface.
 */
public final class JvmJmx implements AutoCloseable {

    private final JMXConnector connector;
    private final MBeanServerConnection connection;

    private JvmJmx(JMXConnector connector) throws IOException {
        this.connector = connector;
        this.connection = connector.getMBeanServerConnection();
    }

    /** Attaches to the JVM {@code pid} and connects to its platform MBean server. */
    public static JvmJmx attach(long pid) throws Exception {
        VirtualMachine vm = VirtualMachine.attach(Long.toString(pid));
        String address;
        try {
            address = vm.startLocalManagementAgent();
        } finally {
            vm.detach();
        }
        return new JvmJmx(JMXConnectorFactory.connect(new JMXServiceURL(address)));
    }

    public MBeanServerConnection connection() {
        return connection;
    }

    @Override
    public void close() throws IOException {
        connector.close();
    }
}
