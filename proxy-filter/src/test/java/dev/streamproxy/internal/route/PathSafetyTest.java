package dev.streamproxy.internal.route;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PathSafetyTest {

    @ParameterizedTest
    @ValueSource(strings = {
            "", "/", "/users", "/users/", "/a/b/c", "/a%2Fb", "/%2F", "/%E2%82%AC", "/caf%C3%A9",
            "/a;v=1/b;jsessionid=x", "/..hidden", "/hidden..", "/...", "/a.b", "/.well-known/x", "/a%20b",
            "/~user", "/a+b", "/a:b@c!$&'()*,=", "/%25", "/100%25done"})
    void acceptsNormalAndEncodedPaths(String path) {
        assertTrue(PathSafety.isSafe(path), path);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "/../", "/..", "/.", "/./", "/a/../b", "/a/./b", "..", ".",
            "/%2e%2E/", "/%2e%2e", "/%2E", "/.%2e/", "/%2e./x",
            "/..;x/", "/..;", "/.;jsessionid=1/x",
            "/..%2f", "/..%2F..%2Fetc", "/a%2f..%2fb", "/..%5c", "/%5c..%5c",
            "/%252e%252e/", "/%252E%252E", "/%25%32%65%25%32%65/", "/..%252f"})
    void refusesEverySpellingOfADotSegment(String path) {
        assertFalse(PathSafety.isSafe(path), path);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/a%00b", "/%00", "/a%0d%0aX-Injected:1", "/a%7f", "/a%1f", "/%2500"})
    void refusesEncodedControlCharactersAndNul(String path) {
        assertFalse(PathSafety.isSafe(path), path);
    }

    @Test
    void refusesRawControlCharactersAndDelete() {
        for (char c = 0; c < 0x20; c++) {
            String path = "/a" + c + "b";
            assertFalse(PathSafety.isSafe(path), () -> "control char " + (int) path.charAt(2));
        }
        assertFalse(PathSafety.isSafe("/a\u007fb"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/a\\b", "\\..\\", "/..\\x", "/a\\"})
    void refusesARawBackslash(String path) {
        assertFalse(PathSafety.isSafe(path), path);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/a%zz", "/%4", "/a%", "/%g0", "/%0g", "/x%2"})
    void refusesMalformedPercentEscapes(String path) {
        assertFalse(PathSafety.isSafe(path), path);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/caf\u00e9", "/\u20ac", "/a\u0085b"})
    void refusesRawCharactersOutsidePrintableAscii(String path) {
        assertFalse(PathSafety.isSafe(path), path);
    }

    @Test
    void decodeDoesOneRoundOnly() {
        assertEquals("/%2e", PathSafety.decode("/%252e"));
        assertEquals("/a/b", PathSafety.decode("/a%2Fb"));
        assertNull(PathSafety.decode("/%2"));
        assertNull(PathSafety.decode("/%x1"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"a=1&b=%20", "q=%E2%82%AC&x", "%ZZ", "a|b{c}\"d", "="})
    void acceptsAQueryOfPrintableAsciiWhateverItsEscapesLookLike(String query) {
        assertTrue(PathSafety.isSafeQuery(query));
    }

    @ParameterizedTest
    @ValueSource(strings = {"q=caf\u00e9", "q=\u20ac", "a=1 2", "a=\t", "a=\u007f", "a=\u0000"})
    void refusesAQueryTheContainerHadToDecode(String query) {
        assertFalse(PathSafety.isSafeQuery(query));
    }

    @Test
    void noQueryIsSafe() {
        assertTrue(PathSafety.isSafeQuery(null));
    }
}
