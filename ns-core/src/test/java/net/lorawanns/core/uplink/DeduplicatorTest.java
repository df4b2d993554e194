package net.lorawanns.core.uplink;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import net.lorawanns.config.RedisSettings;
import net.lorawanns.core.gateway.CrcStatus;
import net.lorawanns.core.gateway.RxInfo;
import net.lorawanns.core.gateway.UplinkFrame;
import net.lorawanns.core.redis.RedisKeys;
import net.lorawanns.core.region.DataRate;
import net.lorawanns.core.testing.TestRedis;
import net.lorawanns.core.types.Eui64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeduplicatorTest {
    private Vertx vertx;
    private Redis redisA;
    private Redis redisB;
    private Deduplicator instanceA;
    private Deduplicator instanceB;
    private SimpleMeterRegistry registry;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        RedisSettings settings = TestRedis.settings();
        RedisKeys keys = new RedisKeys(settings.keyPrefix());
        redisA = TestRedis.client(vertx, settings);
        redisB = TestRedis.client(vertx, settings);
        registry = new SimpleMeterRegistry();
        instanceA = new Deduplicator(vertx, redisA, keys, Duration.ofMillis(150), "a", registry);
        instanceB = new Deduplicator(vertx, redisB, keys, Duration.ofMillis(150), "b", registry);
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void copiesFromTwoInstancesAreProcessedOnceWithEveryGatewaysMetadata() throws Exception {
        byte[] phy = {0x40, 1, 2, 3, 4, 0, 1, 0, 9, 9, 9, 9};
        List<Future<Optional<DeduplicatedUplink>>> results = new ArrayList<>();
        for (int gateway = 1; gateway <= 6; gateway++) {
            Deduplicator instance = gateway % 2 == 0 ? instanceB : instanceA;
            results.add(instance.add(copy(phy, 868_100_000L, gateway, -5.0 + gateway)));
        }
        Future.all(results).await(10, TimeUnit.SECONDS);
        List<DeduplicatedUplink> processed = results.stream().map(Future::result).flatMap(Optional::stream).toList();
        assertEquals(1, processed.size(), "exactly one instance processes the frame");
        DeduplicatedUplink uplink = processed.get(0);
        Set<Long> gateways = uplink.copies().stream().map(c -> c.rxInfo().gatewayEui().value())
                .collect(Collectors.toSet());
        assertEquals(Set.of(1L, 2L, 3L, 4L, 5L, 6L), gateways);
        assertEquals(Set.of("a", "b"), uplink.copies().stream().map(Copy::instanceId).collect(Collectors.toSet()));
        Copy best = uplink.copies().stream().sorted(DeduplicatedUplink.BEST_FIRST).findFirst().orElseThrow();
        assertEquals(6L, best.rxInfo().gatewayEui().value(), "highest SNR first");
        assertEquals(1.0, best.rxInfo().snr());
    }

    @Test
    void aCopyAfterTheWindowIsDroppedAndCounted() throws Exception {
        byte[] phy = {0x40, 5, 6, 7, 8, 0, 2, 0, 1, 1, 1, 1};
        Optional<DeduplicatedUplink> first = instanceA.add(copy(phy, 868_300_000L, 1, 3.0)).await(10, TimeUnit.SECONDS);
        assertTrue(first.isPresent());
        Optional<DeduplicatedUplink> late = instanceB.add(copy(phy, 868_300_000L, 2, 3.0)).await(10, TimeUnit.SECONDS);
        assertTrue(late.isEmpty());
        assertEquals(1.0, registry.get("lorawan.uplink.copies").tag("outcome", "late").counter().count());
    }

    @Test
    void theSameBytesOnAnotherFrequencyAreAnotherTransmission() throws Exception {
        byte[] phy = {0x40, 9, 9, 9, 9, 0, 3, 0, 2, 2, 2, 2};
        Future<Optional<DeduplicatedUplink>> one = instanceA.add(copy(phy, 868_100_000L, 1, 3.0));
        Future<Optional<DeduplicatedUplink>> two = instanceB.add(copy(phy, 868_500_000L, 2, 3.0));
        Future.all(one, two).await(10, TimeUnit.SECONDS);
        assertTrue(one.result().isPresent());
        assertTrue(two.result().isPresent());
    }

    @Test
    void theCopyCodecKeepsEveryField() throws Exception {
        RxInfo full = new RxInfo(Eui64.parse("0016C001FF10A235"), 0xFFFFFFFFL, Instant.parse("2026-11-22T10:00:00.123456789Z"),
                1_400_000_000_123L, 999_999_999L, 7, 1, 2, -120, -118, -7.25, -1234, Instant.ofEpochSecond(5, 6));
        assertEquals(new Copy("instance-x", full), CopyCodec.decode(io.vertx.core.buffer.Buffer.buffer(
                CopyCodec.encode(new Copy("instance-x", full)))));
        RxInfo sparse = new RxInfo(Eui64.parse("0000000000000001"), 0, null, null, null, 0, 0, 0, -50, null, null,
                null, Instant.EPOCH);
        assertEquals(new Copy("", sparse), CopyCodec.decode(io.vertx.core.buffer.Buffer.buffer(
                CopyCodec.encode(new Copy("", sparse)))));
    }

    /**
     * The set's id, part of its Redis keys, which every instance of a cluster must agree on: the first half of the
     * PHYPayload's SHA-256 in hex, ':' and the frequency. SHA-256("abc") is FIPS 180-2's example (appendix B.1).
     */
    @Test
    void theFrameIdIsHalfTheSha256OfThePhyPayloadAndTheFrequency() {
        UplinkFrame frame = copy("abc".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 868_100_000, 1, 5.0);
        assertEquals("ba7816bf8f01cfea414140de5dae2223:868100000", Deduplicator.frameId(frame));
        assertEquals("ba7816bf8f01cfea414140de5dae2223:868100000", Deduplicator.frameId(frame), "asked again");
    }

    private static UplinkFrame copy(byte[] phy, long frequency, int gateway, double snr) {
        RxInfo rx = new RxInfo(new Eui64(gateway), 1000L * gateway, null, null, null, 0, 0, 0, -60 - gateway, null,
                snr, null, Instant.now());
        return new UplinkFrame(phy, frequency, new DataRate.LoRa(7, 125_000), "4/5", CrcStatus.OK, List.of(rx));
    }
}
