package net.lorawanns.core.downlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import net.lorawanns.config.RedisSettings;
import net.lorawanns.core.redis.RedisKeys;
import net.lorawanns.core.region.Region;
import net.lorawanns.core.region.Regions;
import net.lorawanns.core.testing.TestRedis;
import net.lorawanns.core.types.Eui64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link GatewayDutyCycle} on the test Redis. EU868's sub-band 868.0-868.6 MHz allows 1 % (ETSI EN 300 220, as
 * RP002 cites it): 36 s on air per hour; 869.4-869.65 MHz allows 10 %.
 */
class GatewayDutyCycleTest {
    private static final Region EU868 = Regions.byId("eu868");
    private static final long CH0 = 868_100_000L;
    private static final long RX2 = 869_525_000L;
    private static final long SECOND = 1_000_000L;
    private static final long MINUTE_MILLIS = 60_000L;
    /** A time on a minute's first millisecond, so that the minutes a test adds fall where it says. */
    private static final long T0 = 29_000_000L * MINUTE_MILLIS;
    private final String prefix = "dc-" + UUID.randomUUID() + ":";
    private final Eui64 gateway = Eui64.parse("AA555A0000000DC1");
    private Vertx vertx;
    private final List<Redis> clients = new ArrayList<>();

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
    }

    @AfterEach
    void stop() throws Exception {
        clients.forEach(Redis::close);
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    private GatewayDutyCycle instance() {
        Redis client = TestRedis.client(vertx, new RedisSettings(List.of(TestRedis.url()), "standalone", "", ""));
        clients.add(client);
        return new GatewayDutyCycle(client, new RedisKeys(prefix), true);
    }

    @Test
    void twoInstancesRacingNeverTakeAGatewayPastItsHourlyShare() throws Exception {
        GatewayDutyCycle a = instance();
        GatewayDutyCycle b = instance();
        List<Future<GatewayDutyCycle.Admission>> racing = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            racing.add(a.admit(gateway, EU868, CH0, SECOND, T0 + i));
            racing.add(b.admit(gateway, EU868, CH0, SECOND, T0 + i));
        }
        Future.all(racing).await(10, TimeUnit.SECONDS);
        long admitted = racing.stream().filter(f -> f.result().admitted()).count();
        assertEquals(36, admitted, "1 % of an hour is 36 s: 36 transmissions of 1 s, whoever asked first");
        GatewayDutyCycle.Admission refused = a.admit(gateway, EU868, CH0, 1, T0).await(10, TimeUnit.SECONDS);
        assertFalse(refused.admitted(), "not even 1 us more");
        assertEquals(36 * SECOND, refused.usedMicros());
        assertTrue(a.admit(gateway, EU868, RX2, SECOND, T0).await(10, TimeUnit.SECONDS).admitted(),
                "another sub-band (10 %) has its own count");
        assertTrue(a.admit(Eui64.parse("AA555A0000000DC2"), EU868, CH0, SECOND, T0).await(10, TimeUnit.SECONDS)
                .admitted(), "another gateway has its own count");
    }

    @Test
    void theHourSlidesAndNothingOfItIsForgottenEarly() throws Exception {
        GatewayDutyCycle dc = instance();
        assertTrue(dc.admit(gateway, EU868, CH0, 36 * SECOND, T0).await(10, TimeUnit.SECONDS).admitted());
        assertFalse(dc.admit(gateway, EU868, CH0, SECOND, T0 + 59 * MINUTE_MILLIS).await(10, TimeUnit.SECONDS)
                .admitted());
        // 60 minutes after the first minute began, part of that minute may be less than an hour ago: still counted.
        assertFalse(dc.admit(gateway, EU868, CH0, SECOND, T0 + 60 * MINUTE_MILLIS + 30_000)
                .await(10, TimeUnit.SECONDS).admitted());
        assertTrue(dc.admit(gateway, EU868, CH0, 36 * SECOND, T0 + 61 * MINUTE_MILLIS).await(10, TimeUnit.SECONDS)
                .admitted(), "an hour and more later, the whole share again");
    }

    @Test
    void aTransmissionTheGatewayRefusedIsGivenBack() throws Exception {
        GatewayDutyCycle dc = instance();
        assertTrue(dc.admit(gateway, EU868, CH0, 35 * SECOND, T0).await(10, TimeUnit.SECONDS).admitted());
        GatewayDutyCycle.Admission last = dc.admit(gateway, EU868, CH0, SECOND, T0 + 1).await(10, TimeUnit.SECONDS);
        assertTrue(last.admitted());
        assertFalse(dc.admit(gateway, EU868, CH0, SECOND, T0 + 2).await(10, TimeUnit.SECONDS).admitted());
        dc.release(last.reservation().orElseThrow()).await(10, TimeUnit.SECONDS);
        assertTrue(dc.admit(gateway, EU868, CH0, SECOND, T0 + 3).await(10, TimeUnit.SECONDS).admitted());
    }

    @Test
    void theCountExpiresAndFrequenciesWithoutALimitWriteNothing() throws Exception {
        GatewayDutyCycle dc = instance();
        long now = System.currentTimeMillis();
        assertTrue(dc.admit(gateway, EU868, CH0, SECOND, now).await(10, TimeUnit.SECONDS).admitted());
        Redis redis = clients.get(0);
        // README, "Keys in Redis": key_prefix, "lorawan:", gateway:{EUI}:airtime:<sub-band's lowest frequency>.
        long ttl = redis.send(Request.cmd(Command.PTTL).arg(prefix + "lorawan:gateway:{" + gateway
                + "}:airtime:868000000")).await(10, TimeUnit.SECONDS).toLong();
        assertTrue(ttl > 60 * MINUTE_MILLIS && ttl <= 62 * MINUTE_MILLIS, "expires after the hour it counts: " + ttl);
        GatewayDutyCycle.Admission us = dc.admit(gateway, Regions.byId("us915"), 923_300_000L, 400_000, now)
                .await(10, TimeUnit.SECONDS);
        assertTrue(us.admitted());
        assertTrue(us.reservation().isEmpty(), "US915 has no duty cycle: nothing counted");
        GatewayDutyCycle off = new GatewayDutyCycle(redis, new RedisKeys(prefix), false);
        assertTrue(off.admit(gateway, EU868, CH0, 3_600 * SECOND, now).await(10, TimeUnit.SECONDS).admitted(),
                "gateway_duty_cycle = false admits everything");
    }
}
