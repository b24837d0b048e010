package dev.streamproxy.it.tls;

import dev.streamproxy.ProxyConfig;
import dev.streamproxy.ProxyFilter;
import dev.streamproxy.it.host.HostKind;
import dev.streamproxy.it.host.WebApp;
import dev.streamproxy.it.support.MatrixApp;
import dev.streamproxy.testing.TestCertificates;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The TLS application, the same in every host: context {@value #CONTEXT}, five {@link TlsUpstream}s made from
 * {@link TestCertificates}, and one proxy route per TLS setting, each on {@code /<name>/*} with prefix
 * {@code /<name>}, declared with init-params (as {@code web.xml} would, parsed by
 * {@link ProxyConfig#fromParameters}) and targeting {@code https://localhost:<port>/svc}:
 *
 * <table>
 *   <tr><th>route</th><th>upstream (certificate, settings)</th><th>route's TLS init-params</th></tr>
 *   <tr><td>trusted</td><td>server: localhost, 127.0.0.1</td><td>trustStore: the test CA</td></tr>
 *   <tr><td>jvmtrust</td><td>server</td><td>none: the JVM's default trust, which knows no test CA</td></tr>
 *   <tr><td>wronghost</td><td>other: other.example only, signed by the CA</td><td>trustStore</td></tr>
 *   <tr><td>selfsigned</td><td>self: localhost, self-signed</td><td>trustStore</td></tr>
 *   <tr><td>mtls</td><td>mtls: server, client certificate required (issued by the CA)</td><td>trustStore, keyStore:
 *       a client certificate from the CA</td></tr>
 *   <tr><td>nocert</td><td>mtls</td><td>trustStore only</td></tr>
 *   <tr><td>tls12</td><td>tls13: server, TLSv1.3 only</td><td>trustStore, tlsProtocols TLSv1.2</td></tr>
 *   <tr><td>tls13</td><td>tls13</td><td>trustStore, tlsProtocols TLSv1.3</td></tr>
 * </table>
 * Host, raw client access and the pool-leak poll are {@link MatrixApp}'s (its raw-socket upstream is not used).
 */
public final class TlsApp extends MatrixApp {

    private final TestCertificates certificates;
    private final Map<String, TlsUpstream> tlsUpstreams;

    private TlsApp(Started started, TestCertificates certificates, Map<String, TlsUpstream> tlsUpstreams) {
        super(started);
        this.certificates = certificates;
        this.tlsUpstreams = tlsUpstreams;
    }

    static TlsApp start(HostKind kind) throws Exception {
        TestCertificates certs = TestCertificates.shared();
        String trustStore = certs.trustStore().toString();
        Map<String, TlsUpstream> upstreams = new LinkedHashMap<>();
        try {
            upstreams.put("server", TlsUpstream.start(certs.serverStore(), tls -> { }));
            upstreams.put("other", TlsUpstream.start(certs.otherHostStore(), tls -> { }));
            upstreams.put("self", TlsUpstream.start(certs.selfSignedServerStore(), tls -> { }));
            upstreams.put("mtls", TlsUpstream.start(certs.serverStore(), tls -> {
                tls.setNeedClientAuth(true);
                tls.setTrustStorePath(trustStore);
                tls.setTrustStorePassword(TestCertificates.PASSWORD);
                tls.setTrustStoreType("PKCS12");
            }));
            upstreams.put("tls13", TlsUpstream.start(certs.serverStore(), tls -> tls.setIncludeProtocols("TLSv1.3")));
            Map<String, String> trust = Map.of("trustStore", trustStore, "trustStorePassword", TestCertificates.PASSWORD);
            return new TlsApp(launch(kind, (unused, proxies) -> {
                List<WebApp.FilterMapping> filters = new ArrayList<>();
                route(filters, proxies, "trusted", upstreams.get("server"), trust);
                route(filters, proxies, "jvmtrust", upstreams.get("server"), Map.of());
                route(filters, proxies, "wronghost", upstreams.get("other"), trust);
                route(filters, proxies, "selfsigned", upstreams.get("self"), trust);
                route(filters, proxies, "mtls", upstreams.get("mtls"), with(trust, "keyStore",
                        certs.clientStore().toString(), "keyStorePassword", TestCertificates.PASSWORD));
                route(filters, proxies, "nocert", upstreams.get("mtls"), trust);
                route(filters, proxies, "tls12", upstreams.get("tls13"), with(trust, "tlsProtocols", "TLSv1.2"));
                route(filters, proxies, "tls13", upstreams.get("tls13"), with(trust, "tlsProtocols", "TLSv1.3"));
                return filters;
            }), certs, upstreams);
        } catch (Exception | Error e) {
            for (TlsUpstream u : upstreams.values()) {
                u.close();
            }
            throw e;
        }
    }

    private static Map<String, String> with(Map<String, String> params, String... more) {
        Map<String, String> all = new LinkedHashMap<>(params);
        for (int i = 0; i < more.length; i += 2) {
            all.put(more[i], more[i + 1]);
        }
        return all;
    }

    private static void route(List<WebApp.FilterMapping> filters,
                              Map<String, Supplier<ProxyFilter>> proxies, String name,
                              TlsUpstream upstream, Map<String, String> tls) {
        Map<String, String> params = with(tls, "targetUri", upstream.uri(BASE_PATH), "prefix", "/" + name,
                "connectTimeout", "5s", "responseTimeout", "10s");
        ProxyFilter f = new ProxyFilter(ProxyConfig.fromParameters(params));
        filters.add(new WebApp.FilterMapping(name, f, "/" + name + "/*"));
        proxies.put(name, () -> f);
    }

    /** @return the stores the upstreams and routes use */
    TestCertificates certificates() {
        return certificates;
    }

    /** @return the TLS upstream {@code name}: server, other, self, mtls or tls13 */
    TlsUpstream tlsUpstream(String name) {
        TlsUpstream u = tlsUpstreams.get(name);
        if (u == null) {
            throw new IllegalArgumentException("no TLS upstream " + name);
        }
        return u;
    }

    @Override
    public void close() throws IOException {
        try {
            super.close();
        } finally {
            for (TlsUpstream u : tlsUpstreams.values()) {
                u.close();
            }
        }
    }
}
