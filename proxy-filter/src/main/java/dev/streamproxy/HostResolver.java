package dev.streamproxy;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Resolves a target's host name to the addresses a route sends exchanges to, each of which becomes a target of its
 * own. The default is the JVM's resolver (which caches answers for {@code networkaddress.cache.ttl}, 30 s by
 * default); a route re-resolves its names every {@code dnsRefreshInterval}. Set another one programmatically
 * ({@link ProxyConfig.Builder#resolver}) to follow a registry of your own.
 */
@FunctionalInterface
public interface HostResolver {

    /** The JVM's resolver. */
    HostResolver SYSTEM = InetAddress::getAllByName;

    /**
     * @param host a host name (never an IP literal: those are used as they are)
     * @return its addresses, at least one
     * @throws UnknownHostException when the name has no address now
     */
    InetAddress[] resolve(String host) throws UnknownHostException;
}
