package net.lorawanns.core.types;

import java.time.Instant;

/**
 * GPS time, as LoRaWAN counts it (DeviceTimeAns, the Class B beacon's Time field, a gateway's {@code tmms}):
 * milliseconds since the GPS epoch, 1980-01-06T00:00:00Z, without leap seconds. GPS time runs ahead of UTC by the
 * leap seconds inserted into UTC since that epoch (18 s since 2017-01-01). A pure function: any thread.
 */
public final class GpsTime {
    public static final Instant EPOCH = Instant.parse("1980-01-06T00:00:00Z");

    /**
     * The UTC instants from which GPS time is one more second ahead of UTC: the leap seconds of IERS Bulletin C
     * since the GPS epoch. A leap second announced later is added here.
     */
    private static final long[] LEAP_SECONDS_FROM = {
        Instant.parse("1981-07-01T00:00:00Z").toEpochMilli(),
        Instant.parse("1982-07-01T00:00:00Z").toEpochMilli(),
        Instant.parse("1983-07-01T00:00:00Z").toEpochMilli(),
        Instant.parse("1985-07-01T00:00:00Z").toEpochMilli(),
        Instant.parse("1988-01-01T00:00:00Z").toEpochMilli(),
        Instant.parse("1990-01-01T00:00:00Z").toEpochMilli(),
        Instant.parse("1991-01-01T00:00:00Z").toEpochMilli(),
        Instant.parse("1992-07-01T00:00:00Z").toEpochMilli(),
        Instant.parse("1993-07-01T00:00:00Z").toEpochMilli(),
        Instant.parse("1994-07-01T00:00:00Z").toEpochMilli(),
        Instant.parse("1996-01-01T00:00:00Z").toEpochMilli(),
        Instant.parse("1997-07-01T00:00:00Z").toEpochMilli(),
        Instant.parse("1999-01-01T00:00:00Z").toEpochMilli(),
        Instant.parse("2006-01-01T00:00:00Z").toEpochMilli(),
        Instant.parse("2009-01-01T00:00:00Z").toEpochMilli(),
        Instant.parse("2012-07-01T00:00:00Z").toEpochMilli(),
        Instant.parse("2015-07-01T00:00:00Z").toEpochMilli(),
        Instant.parse("2017-01-01T00:00:00Z").toEpochMilli(),
    };

    private GpsTime() {
    }

    /** GPS milliseconds of a UTC instant (at or after the GPS epoch). */
    public static long millis(Instant utc) {
        long utcMillis = utc.toEpochMilli();
        return utcMillis - EPOCH.toEpochMilli() + 1000L * leapSecondsAt(utcMillis);
    }

    /** The UTC instant of a GPS time in milliseconds. */
    public static Instant utc(long gpsMillis) {
        long withoutLeaps = EPOCH.toEpochMilli() + gpsMillis;
        // The offset that applies at the UTC instant found: at most one step below the offset of the naive instant.
        int leaps = leapSecondsAt(withoutLeaps);
        if (leapSecondsAt(withoutLeaps - 1000L * leaps) < leaps) {
            leaps--;
        }
        return Instant.ofEpochMilli(withoutLeaps - 1000L * leaps);
    }

    /** GPS - UTC in whole seconds at a UTC instant. */
    public static int leapSecondsAt(Instant utc) {
        return leapSecondsAt(utc.toEpochMilli());
    }

    private static int leapSecondsAt(long utcMillis) {
        int leaps = 0;
        while (leaps < LEAP_SECONDS_FROM.length && utcMillis >= LEAP_SECONDS_FROM[leaps]) {
            leaps++;
        }
        return leaps;
    }
}
