package dev.streamproxy.boot;

import dev.streamproxy.boot.support.EchoReply;
import dev.streamproxy.boot.support.Payload;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.web.filter.FormContentFilter;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Scenario 7: a large form body reaches the upstream byte for byte. Boot registers filters that parse form bodies:
 * its {@link FormContentFilter} reads PUT, PATCH and DELETE forms (and anything calling {@code getParameter} reads a
 * POST one). A proxy ordered after it finds the PUT body consumed and can only forward the parameters re-encoded;
 * the README's {@code Ordered.HIGHEST_PRECEDENCE} is what puts the proxy first. (Checked: with
 * {@code LOWEST_PRECEDENCE} the PUT case fails.)
 */
class FormPostTest extends ProxiedAppTest {

    @ParameterizedTest
    @ValueSource(strings = {"POST", "PUT"})
    void aLargeFormArrivesByteIdentical(String method) throws Exception {
        assertFalse(app.context().getBeansOfType(FormContentFilter.class).isEmpty(),
                "Boot's FormContentFilter must be active, or this test proves nothing");
        byte[] form = form(2 * MIB);

        HttpResponse<String> response = send(request("/api/echo/form")
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .method(method, HttpRequest.BodyPublishers.ofByteArray(form)),
                HttpResponse.BodyHandlers.ofString());

        assertEquals(200, response.statusCode(), response.body());
        EchoReply echo = EchoReply.parse(response.body());
        assertEquals(method, echo.get("method"));
        String consumed = "; the body was not the client's bytes: a filter ahead of the proxy consumed the form";
        assertEquals(Integer.toString(form.length), echo.get("body-bytes"), "length" + consumed);
        assertEquals(Payload.sha256(form), echo.get("body-sha256"), "SHA-256" + consumed);
    }

    /**
     * @return {@code k0=...&k1=...} of at least {@code size} bytes, encoded as no encoder would write it (lower-case
     *         {@code %xx}, {@code +} next to {@code %20}, {@code %41} for {@code A}): a proxy that forwarded the
     *         parameters re-encoded, instead of the client's bytes, cannot match it
     */
    private static byte[] form(int size) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(size + 128);
        for (int i = 0; out.size() < size; i++) {
            String pair = (i == 0 ? "" : "&") + "k" + i + "=v%c3%a4lue+" + i + "%20%26%3d%41*%e2%82%ac";
            out.writeBytes(pair.getBytes(StandardCharsets.US_ASCII));
        }
        return out.toByteArray();
    }
}
