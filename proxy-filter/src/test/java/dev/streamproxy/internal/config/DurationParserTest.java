package dev.streamproxy.internal.config;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DurationParserTest {

    @ParameterizedTest
    @CsvSource({
            "250ms, PT0.25S",
            "5s, PT5S",
            "2m, PT2M",
            "1h, PT1H",
            "PT5S, PT5S",
            "pt1m30s, PT1M30S",
            "P1D, PT24H",
            "' 7s ', PT7S",
            "10 s, PT10S",
            "3S, PT3S",
            "1ms, PT0.001S",
            "P24D, PT576H"})
    void acceptsEveryDocumentedForm(String raw, String expected) {
        assertEquals(Duration.parse(expected), DurationParser.parse("connectTimeout", raw));
    }

    @ParameterizedTest
    @ValueSource(strings = {"5", "-1s", "abc", "", "1.5s", "5sec", "s", "P", "PTxS", "5 ms x", "1d", "9999999999999s", "0ms", "PT0S"})
    void rejectsWhatIsNotADurationNamingTheParameterTheValueAndTheForm(String raw) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DurationParser.parse("responseTimeout", raw));
        assertTrue(e.getMessage().contains("responseTimeout"), e.getMessage());
        assertTrue(e.getMessage().contains("'" + raw + "'"), e.getMessage());
        assertTrue(e.getMessage().contains("250ms, 5s, 2m, 1h or ISO-8601 PT5S"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"5"})
    void rejectsBareNumberDurationNamingTheParameter(String raw) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DurationParser.parse("idleTimeout", raw));
        assertEquals("streamproxy: invalid idleTimeout '5': expected a duration such as 250ms, 5s, 2m, 1h or "
                + "ISO-8601 PT5S, from 1ms to 24 days", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0s", "0ms", "PT0.0005S", "P25D", "999999h", "PT-5S"})
    void rejectsDurationsTheClientCannotHonourQuotingTheValueAsWritten(String raw) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DurationParser.parse("connectTimeout", raw));
        assertTrue(e.getMessage().startsWith("streamproxy: invalid connectTimeout '" + raw + "': expected "),
                e.getMessage());
        assertTrue(e.getMessage().contains("from 1ms to 24 days"), e.getMessage());
    }
}
