package dev.streamproxy.internal.header;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrustedProxiesTest {

    @ParameterizedTest(name = "{0} contains {1}: {2}")
    @CsvSource({
            "10.0.0.0/8, 10.0.0.1, true",
            "10.0.0.0/8, 10.255.255.255, true",
            "10.0.0.0/8, 11.0.0.1, false",
            "10.0.0.0/8, 9.255.255.255, false",
            "192.168.1.0/24, 192.168.1.77, true",
            "192.168.1.0/24, 192.168.2.1, false",
            "172.16.0.0/12, 172.31.255.1, true",
            "172.16.0.0/12, 172.32.0.1, false",
            "192.168.1.7, 192.168.1.7, true",
            "192.168.1.7, 192.168.1.8, false",
            "192.168.1.7/32, 192.168.1.7, true",
            "10.1.2.3/8, 10.200.0.1, true",
            "0.0.0.0/0, 203.0.113.9, true",
            "0.0.0.0/0, ::1, false",
            "::1, ::1, true",
            "::1, 0:0:0:0:0:0:0:1, true",
            "::1, [::1], true",
            "[::1], ::1, true",
            "::1, ::2, false",
            "fd00::/8, fd12:3456::1, true",
            "fd00::/8, fe80::1, false",
            "2001:db8::/32, 2001:db8:ffff::1, true",
            "2001:db8::/32, 2001:db9::1, false",
            "::/0, 2001:db8::1, true",
            "::/0, 10.0.0.1, false",
            "2001:db8::/128, 2001:db8::, true",
            "2001:db8::/128, 2001:db8::1, false"})
    void matchesAddressesAgainstBlocks(String spec, String address, boolean expected) {
        assertEquals(expected, TrustedProxies.parse(spec).contains(address));
    }

    @Test
    void matchesAgainstAnyBlockOfAList() {
        TrustedProxies t = TrustedProxies.parse("10.0.0.0/8, 192.168.1.7 ::1,fd00::/8");
        assertTrue(t.contains("10.2.3.4"));
        assertTrue(t.contains("192.168.1.7"));
        assertTrue(t.contains("::1"));
        assertTrue(t.contains("fdff::1"));
        assertFalse(t.contains("192.168.1.8"));
        assertFalse(t.isEmpty());
    }

    @Test
    void emptySpecTrustsNobody() {
        assertSame(TrustedProxies.none(), TrustedProxies.parse(""));
        assertSame(TrustedProxies.none(), TrustedProxies.parse(" , "));
        assertTrue(TrustedProxies.none().isEmpty());
        assertFalse(TrustedProxies.none().contains("127.0.0.1"));
    }

    @Test
    void peerThatIsNotALiteralAddressIsNeverTrusted() {
        TrustedProxies t = TrustedProxies.parse("0.0.0.0/0, ::/0");
        assertFalse(t.contains(null));
        assertFalse(t.contains(""));
        assertFalse(t.contains("localhost"));
        assertFalse(t.contains("proxy.internal"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "proxy.internal", "example.com", "cafe", "10.0.0", "10.0.0.0.1",
            "1234.0.0.1", "10.0.0.0/33", "::1/129", "10.0.0.0/-1", "10.0.0.0/", "10.0.0.0/x", "10.0.0.0/8/8",
            "fe80::1%eth0", "[::1", "[]", "/8", ":::1::"})
    void rejectsHostnamesAndBadMasks(String entry) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrustedProxies.parse("10.0.0.1, " + entry));
        assertTrue(e.getMessage().contains(entry.trim()), e.getMessage());
    }

    @Test
    void literalAcceptsOnlyAddressesAndBrackets() {
        assertEquals(4, TrustedProxies.literal("127.0.0.1").length);
        assertEquals(16, TrustedProxies.literal("::1").length);
        assertEquals(16, TrustedProxies.literal("[2001:db8::1]").length);
        assertEquals(null, TrustedProxies.literal("localhost"));
        assertEquals(null, TrustedProxies.literal(""));
    }

    /**
     * An entry shaped like a dotted quad but out of range (999.1.1.1) is not an address literal; it must be refused
     * without asking the name service. Run in a fresh JVM whose hosts file maps that name, so a lookup would succeed
     * and make the proxy trust whatever address the name service answers.
     */
    @Test
    void neverAsksTheNameServiceForAnEntry(@TempDir Path dir) throws Exception {
        Path hosts = dir.resolve("hosts");
        Files.writeString(hosts, "10.9.8.7 999.1.1.1\n10.9.8.6 1234.5.6.7\n", StandardCharsets.US_ASCII);
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        Process p = new ProcessBuilder(java, "-Djdk.net.hosts.file=" + hosts, "-cp",
                System.getProperty("java.class.path"), DnsProbe.class.getName(), "999.1.1.1", "10.9.8.7")
                .redirectErrorStream(true)
                .start();
        assertTrue(p.waitFor(2, TimeUnit.MINUTES), "probe JVM did not finish");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertEquals(List.of("rejected"), out.lines().filter(l -> !l.startsWith("Picked up")).toList(),
                "trustedProxies entry 999.1.1.1 was resolved through the name service: " + out);
    }

    /** Parses argv[0] as trustedProxies and says whether argv[1] is then trusted. */
    public static final class DnsProbe {
        public static void main(String[] args) {
            try {
                TrustedProxies t = TrustedProxies.parse(args[0]);
                System.out.println("accepted; trusts " + args[1] + ": " + t.contains(args[1]));
            } catch (IllegalArgumentException e) {
                System.out.println("rejected");
            }
        }
    }
}
