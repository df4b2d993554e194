package net.lorawanns.deploy.e2e;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The radio between test devices and simulated gateways: a transmission reaches each gateway of the list after its
 * own small random delay (backhaul jitter), with that gateway's signal quality and its own 32-bit microsecond
 * counter, which starts near its wrap for one of them.
 */
final class Air implements AutoCloseable {
    /** A gateway in reach, with its signal quality and counter offset. */
    record Reception(SimulatedGateway gateway, double snr, int rssi, long counterOffset) {
    }

    /** The counter value each gateway stamped on one transmission, and when (the end of the uplink there). */
    record Sent(Map<String, Long> tmst, Map<String, Instant> at) {
        long tmstAt(SimulatedGateway gateway) {
            return tmst.get(gateway.eui);
        }

        Instant receivedAt(SimulatedGateway gateway) {
            return at.get(gateway.eui);
        }
    }

    private static final Duration MAX_JITTER = Duration.ofMillis(60);
    private final long start = System.nanoTime();
    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);

    Sent transmit(byte[] phy, long frequencyHz, String datr, List<Reception> receptions) throws Exception {
        Map<String, Long> stamps = new ConcurrentHashMap<>();
        Map<String, Instant> times = new ConcurrentHashMap<>();
        CountDownLatch pushed = new CountDownLatch(receptions.size());
        for (Reception reception : receptions) {
            long jitter = ThreadLocalRandom.current().nextLong(MAX_JITTER.toMillis());
            scheduler.schedule(() -> {
                long tmst = (reception.counterOffset() + (System.nanoTime() - start) / 1000) & 0xFFFFFFFFL;
                stamps.put(reception.gateway().eui, tmst);
                times.put(reception.gateway().eui, Instant.now());
                try {
                    reception.gateway().uplink(phy, tmst, frequencyHz, datr, reception.snr(), reception.rssi());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                } finally {
                    pushed.countDown();
                }
            }, jitter, TimeUnit.MILLISECONDS);
        }
        if (!pushed.await(5, TimeUnit.SECONDS)) {
            throw new AssertionError("the gateways did not push in time");
        }
        return new Sent(stamps, times);
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
