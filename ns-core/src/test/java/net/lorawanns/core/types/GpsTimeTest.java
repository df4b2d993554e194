package net.lorawanns.core.types;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * GPS time against published values: the GPS epoch is 1980-01-06T00:00:00Z; GPS - UTC was 17 s from 2015-07-01 and
 * 18 s from 2017-01-01 (IERS Bulletin C); 2017-01-01T00:00:00Z is GPS second 1167264018.
 */
class GpsTimeTest {
    @Test
    void utcBecomesGpsTimeWithTheLeapSecondsOfItsDay() {
        assertEquals(0, GpsTime.millis(Instant.parse("1980-01-06T00:00:00Z")));
        assertEquals(1_167_264_018_000L, GpsTime.millis(Instant.parse("2017-01-01T00:00:00Z")));
        assertEquals(1_167_264_016_500L, GpsTime.millis(Instant.parse("2016-12-31T23:59:59.500Z")));
        assertEquals(17, GpsTime.leapSecondsAt(Instant.parse("2016-06-30T00:00:00Z")));
        assertEquals(18, GpsTime.leapSecondsAt(Instant.parse("2026-11-29T12:00:00Z")));
    }

    @Test
    void gpsTimeBecomesUtcAgain() {
        for (String utc : new String[] {"1980-01-06T00:00:00Z", "1999-06-01T12:34:56.789Z", "2016-12-31T23:59:59Z",
            "2017-01-01T00:00:00Z", "2026-11-29T12:00:00.030Z"}) {
            Instant instant = Instant.parse(utc);
            assertEquals(instant, GpsTime.utc(GpsTime.millis(instant)), utc);
        }
    }
}
