package dev.streamproxy.internal.tunnel;

import jakarta.servlet.http.HttpServletRequest;

import java.util.Enumeration;
import java.util.Locale;
import java.util.Set;

/**
 * Which requests are tunnelled: an {@code Upgrade} to a protocol in {@code upgradeProtocols}, with
 * {@code Connection: Upgrade}, and no body (a body would make the upgrade's first bytes ambiguous). Everything else
 * is an ordinary request, whose {@code Upgrade} header is dropped as hop-by-hop. {@code h2c} is never tunnelled: it
 * would turn the proxy's HTTP/1.1 connection into a protocol it does not speak.
 */
public final class UpgradeRequests {

    private final Set<String> protocols;

    /** @param protocols the protocol names allowed ({@code websocket}), lower case; empty turns tunnelling off */
    public UpgradeRequests(Set<String> protocols) {
        this.protocols = Set.copyOf(protocols);
    }

    /**
     * @param request a client request
     * @return true when it asks for an upgrade this route tunnels
     */
    public boolean isTunnelled(HttpServletRequest request) {
        if (protocols.isEmpty()) {
            return false;
        }
        String upgrade = request.getHeader("Upgrade");
        if (upgrade == null || !listsUpgrade(request.getHeaders("Connection"))) {
            return false;
        }
        String protocol = protocolName(upgrade);
        return !"h2c".equals(protocol) && protocols.contains(protocol)
                && request.getContentLengthLong() <= 0 && request.getHeader("Transfer-Encoding") == null;
    }

    /** @return the first protocol of an {@code Upgrade} value, without its version, lower case */
    static String protocolName(String upgrade) {
        String first = upgrade.split(",", 2)[0].trim();
        int slash = first.indexOf('/');
        return (slash < 0 ? first : first.substring(0, slash)).trim().toLowerCase(Locale.ROOT);
    }

    private static boolean listsUpgrade(Enumeration<String> connection) {
        while (connection != null && connection.hasMoreElements()) {
            for (String token : connection.nextElement().split(",")) {
                if ("upgrade".equalsIgnoreCase(token.trim())) {
                    return true;
                }
            }
        }
        return false;
    }
}
