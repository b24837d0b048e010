package dev.streamproxy.it;

import dev.streamproxy.it.support.ContainerTest;
import dev.streamproxy.it.support.FormReadingFilter;
import dev.streamproxy.it.support.ProxiedApp;
import dev.streamproxy.it.support.RawRequest;
import dev.streamproxy.it.support.RawResponse;
import dev.streamproxy.it.support.RecordedRequest;

import java.net.URLDecoder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A form body that an earlier filter consumed by calling getParameter is still forwarded, re-encoded from the
 * parameters: same names and values in the same order, the query string's parameters not mixed in.
 */
class ConsumedFormIT {

    private static final String FORM = "application/x-www-form-urlencoded";

    @ContainerTest
    void aFormBodyConsumedByAnEarlierFilterIsStillForwarded(ProxiedApp app) throws Exception {
        RawResponse r = app.send(RawRequest.of("POST", "/ctx/api/form?q=z&a=0")
                .header("Content-Type", FORM + "; charset=UTF-8")
                .header(FormReadingFilter.TRIGGER, "1")
                .body("a=1&b=%C3%A9t%C3%A9&a=2&c=x+y&d=%26%3D&e="));

        assertEquals(200, r.status(), r::toString);
        RecordedRequest up = app.upstream().takeRequest();
        assertEquals("/svc/form?q=z&a=0", up.target());
        Map<String, List<String>> expected = new LinkedHashMap<>();
        expected.put("a", List.of("1", "2"));
        expected.put("b", List.of("\u00e9t\u00e9"));
        expected.put("c", List.of("x y"));
        expected.put("d", List.of("&="));
        expected.put("e", List.of(""));
        assertEquals(expected, parse(up.bodyText(), StandardCharsets.UTF_8), "forwarded body: " + up.bodyText());
        assertEquals(Integer.toString(up.body().length), up.header("Content-Length"));
    }

    @ContainerTest
    void aConsumedFormWithoutCharsetIsReEncodedAsTheContainerDecodedIt(ProxiedApp app) throws Exception {
        app.send(RawRequest.of("POST", "/ctx/api/form")
                .header("Content-Type", FORM)
                .header(FormReadingFilter.TRIGGER, "1")
                .body("name=J%C3%BCrgen&x=1"));

        RecordedRequest up = app.upstream().takeRequest();
        // whatever charset the container used to decode, encoding back with it restores the client's bytes
        assertEquals(Map.of("name", List.of("J\u00fcrgen"), "x", List.of("1")),
                parse(new String(up.body(), StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8),
                "forwarded body: " + up.bodyText());
    }

    @ContainerTest
    void aFormBodyNobodyReadIsForwardedByteForByte(ProxiedApp app) throws Exception {
        byte[] body = "b=%C3%A9&a=1&a=2&empty=&flag".getBytes(StandardCharsets.US_ASCII);

        app.send(RawRequest.of("POST", "/ctx/api/form").header("Content-Type", FORM).body(body));

        assertArrayEquals(body, app.upstream().takeRequest().body());
    }

    private static Map<String, List<String>> parse(String body, Charset charset) {
        Map<String, List<String>> params = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), charset);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), charset);
            params.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        return params;
    }
}
