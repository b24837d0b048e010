package dev.streamproxy.internal.header;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HopByHopTest {

    @ParameterizedTest
    @ValueSource(strings = {"Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authenticate",
            "Proxy-Authorization", "TE", "Trailer", "Transfer-Encoding", "Upgrade", "connection", "KEEP-ALIVE",
            "transfer-encoding", "te"})
    void recognisesEveryHopByHopHeaderInAnyCase(String name) {
        assertTrue(HopByHop.isHopByHop(name), name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Content-Length", "Content-Type", "Host", "Authorization", "Cookie", "Trailers",
            "X-Connection", "Keep-Alive-Extra", "Expect"})
    void leavesEndToEndHeadersAlone(String name) {
        assertFalse(HopByHop.isHopByHop(name), name);
    }

    @Test
    void collectsNamesFromSeveralConnectionHeadersCommaListsAndEmptyValues() {
        Set<String> listed = HopByHop.connectionListed(
                Arrays.asList("keep-alive, X-Secret", "", " , ,", null, "X-Other ,x-third,").iterator());
        assertEquals(Set.of("keep-alive", "X-Secret", "X-Other", "x-third"), Set.copyOf(listed));
    }

    @Test
    void connectionListedNamesMatchCaseInsensitively() {
        Set<String> listed = HopByHop.connectionListed(List.of("X-Secret").iterator());
        assertTrue(listed.contains("x-secret"));
        assertTrue(listed.contains("X-SECRET"));
    }

    @Test
    void noConnectionHeaderListsNothing() {
        assertTrue(HopByHop.connectionListed(Collections.emptyIterator()).isEmpty());
        assertTrue(HopByHop.connectionListed((java.util.Enumeration<String>) null).isEmpty());
        assertTrue(HopByHop.connectionListed(Collections.enumeration(List.of("", " "))).isEmpty());
    }
}
