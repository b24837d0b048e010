package dev.streamproxy.internal.config;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SizeParserTest {

    @ParameterizedTest
    @CsvSource({
            "0, 0",
            "1048576, 1048576",
            "-1, -1",
            "100b, 100",
            "512KiB, 524288",
            "512k, 524288",
            "512KB, 524288",
            "10MiB, 10485760",
            "10M, 10485760",
            "10mb, 10485760",
            "2GiB, 2147483648",
            "2g, 2147483648",
            "' 4 KiB ', 4096"})
    void acceptsBytesAndBinaryUnits(String raw, long expected) {
        assertEquals(expected, SizeParser.parse("maxRequestBodySize", raw));
    }

    @ParameterizedTest
    @ValueSource(strings = {"-2", "", "abc", "1.5MiB", "10TB", "10 XiB", "KiB", "999999999999999G", "8589934592G"})
    void rejectsWhatIsNotASizeNamingTheParameterTheValueAndTheForm(String raw) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SizeParser.parse("maxRequestBodySize", raw));
        assertTrue(e.getMessage().contains("maxRequestBodySize"), e.getMessage());
        assertTrue(e.getMessage().contains("'" + raw + "'"), e.getMessage());
        assertTrue(e.getMessage().contains("512KiB"), e.getMessage());
    }
}
