package net.lorawanns.deploy.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import net.lorawanns.sim.SpecGateway;

/**
 * A Semtech UDP packet forwarder (protocol version 2) that keeps running: on the bridge tests' {@link SpecGateway}
 * (datagrams built from PROTOCOL.TXT, a real socket), it pulls, pushes rxpk, and answers every PULL_RESP with a
 * TX_ACK, whose error the test may set. On a slow backhaul ({@link #backhaul}) every datagram takes that long each
 * way, and a PULL_RESP that arrives less than 40 ms before its {@code tmst} is refused with TOO_LATE, as
 * lora_pkt_fwd's just-in-time queue refuses it.
 */
final class SimulatedGateway implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A txpk the server sent (refused or not), and when it reached the gateway. */
    /**
     * A txpk the server sent: at the counter {@code tmst} (Class A; -1 otherwise), at once ({@code imme}, Class C),
     * or at the GPS time {@code tmms} (Class B; -1 otherwise).
     */
    record Downlink(long tmst, double freqMhz, String datr, byte[] phy, boolean ipol, Instant receivedAt, boolean imme,
                    long tmms) {
    }

    /** lora_pkt_fwd refuses a frame due sooner than this after it arrives (TX_JIT_DELAY and start delays). */
    private static final long JIT_LEAD_MICROS = 40_000;

    final String eui;
    private final SpecGateway gateway;
    private volatile boolean closed;
    private final BlockingQueue<Downlink> downlinks = new LinkedBlockingQueue<>();
    private final ConcurrentLinkedQueue<String> txAckErrors = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<String> refused = new ConcurrentLinkedQueue<>();
    private final Thread reader;
    private int token;
    /** The GPS time (ms since the GPS epoch) the next rxpk reports as {@code tmms}; null: the gateway has no GPS. */
    private volatile Long gpsTimeMillis;
    private volatile Duration backhaul = Duration.ZERO;
    private final ScheduledExecutorService link = Executors.newSingleThreadScheduledExecutor();
    /** The counter value of the latest uplink and System.nanoTime() then: the gateway's clock. */
    private volatile long[] counterAt;
    private volatile ScheduledFuture<?> pulling;

    SimulatedGateway(String eui, int serverPort) throws IOException {
        this.eui = eui;
        this.gateway = new SpecGateway(eui, serverPort);
        this.reader = new Thread(this::read, "gateway-" + eui);
        reader.setDaemon(true);
        reader.start();
    }

    /** The TX_ACK error for the next downlink ("TOO_LATE", "COLLISION_PACKET", ...), instead of none. */
    void refuseNextDownlink(String error) {
        txAckErrors.add(error);
    }

    /** The next uplinks are reported with {@code tmms}, this GPS time of reception, as a GPS-equipped gateway does. */
    void gpsTime(long millisSinceGpsEpoch) {
        gpsTimeMillis = millisSinceGpsEpoch;
    }

    /**
     * From now on, each datagram between gateway and server takes {@code oneWay} (a cellular link): PUSH_DATA and
     * TX_ACK leave that much later, a PULL_RESP is taken that much after it came; PULL_RESP are checked for time.
     */
    void backhaul(Duration oneWay) {
        backhaul = oneWay;
    }

    void pullData() throws IOException {
        gateway.pullData(2, nextToken());
    }

    /**
     * From now on a PULL_DATA every {@code period}, as a packet forwarder keeps its downlink path open (its
     * {@code keepalive_interval}), until closed: the gateway stays online however long the test's next step takes.
     */
    void keepPulling(Duration period) {
        stopPulling();
        pulling = link.scheduleAtFixedRate(() -> {
            try {
                pullData();
            } catch (IOException e) {
                if (!closed) {
                    throw new UncheckedIOException(e);
                }
            }
        }, 0, period.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** No more PULL_DATA of {@link #keepPulling}: the gateway goes offline after the server's offline timeout. */
    void stopPulling() {
        ScheduledFuture<?> running = pulling;
        if (running != null) {
            running.cancel(false);
        }
    }

    /** PUSH_DATA with a status report only, {@code stat} the JSON object of PROTOCOL.TXT section 4. */
    void status(String stat) throws IOException {
        int pushToken = nextToken();
        over(backhaul, () -> gateway.pushData(2, pushToken, "{\"stat\":" + stat + "}"));
    }

    /** PUSH_DATA with one rxpk of {@code phy}. */
    void uplink(byte[] phy, long tmst, long frequencyHz, String datr, double snr, int rssi) throws IOException {
        Long gps = gpsTimeMillis;
        String tmms = gps == null ? "" : "\"tmms\":" + gps + ",";
        String rxpk = String.format(Locale.ROOT, "{\"rxpk\":[{\"tmst\":%d,%s\"time\":\"%s\",\"chan\":0,\"rfch\":0,"
                        + "\"freq\":%.6f,\"stat\":1,\"modu\":\"LORA\",\"datr\":\"%s\",\"codr\":\"4/5\",\"lsnr\":%.1f,"
                        + "\"rssi\":%d,\"size\":%d,\"data\":\"%s\"}]}", tmst, tmms, Instant.now(), frequencyHz / 1e6,
                datr, snr, rssi, phy.length, Base64.getEncoder().encodeToString(phy));
        counterAt = new long[] {tmst, System.nanoTime()};
        int pushToken = nextToken();
        over(backhaul, () -> gateway.pushData(2, pushToken, rxpk));
    }

    private interface Send {
        void run() throws IOException;
    }

    /** Runs {@code send} at once, or after {@code delay} on the link's thread. */
    private void over(Duration delay, Send send) throws IOException {
        if (delay.isZero()) {
            send.run();
            return;
        }
        link.schedule(() -> {
            try {
                send.run();
            } catch (IOException e) {
                if (!closed) {
                    throw new UncheckedIOException(e);
                }
            }
            return null;
        }, delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** The next downlink, or an AssertionError when none comes in time. */
    Downlink awaitDownlink(Duration timeout) throws InterruptedException {
        Downlink downlink = downlinks.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (downlink == null) {
            throw new AssertionError("gateway " + eui + " got no downlink within " + timeout);
        }
        return downlink;
    }

    /** A downlink one of several gateways received, and which one. */
    record Received(SimulatedGateway gateway, Downlink downlink) {
    }

    /** The next downlink any of {@code gateways} receives, or an AssertionError when none does in time. */
    static Received awaitAny(List<SimulatedGateway> gateways, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (SimulatedGateway gateway : gateways) {
                Downlink downlink = gateway.pollDownlink(Duration.ofMillis(20));
                if (downlink != null) {
                    return new Received(gateway, downlink);
                }
            }
        }
        throw new AssertionError("none of the gateways got a downlink within " + timeout);
    }

    /** The next downlink if one comes within {@code timeout}. */
    Downlink pollDownlink(Duration timeout) throws InterruptedException {
        return downlinks.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private synchronized int nextToken() {
        token = (token + 1) & 0xFFFF;
        return token;
    }

    /** Takes a PULL_RESP as it reaches the gateway, and answers its TX_ACK over the link. */
    private void pullResp(byte[] datagram, Duration oneWay) throws IOException {
        JsonNode txpk = JSON.readTree(new String(datagram, 4, datagram.length - 4, StandardCharsets.UTF_8))
                .get("txpk");
        String error = txAckErrors.poll();
        long[] clock = counterAt;
        if (error == null && !oneWay.isZero() && clock != null) {
            long counterNow = clock[0] + (System.nanoTime() - clock[1]) / 1000;
            long lead = (txpk.path("tmst").asLong(counterNow + JIT_LEAD_MICROS) - counterNow) & 0xFFFFFFFFL;
            if (lead < JIT_LEAD_MICROS || lead > 0x8000_0000L) {
                error = "TOO_LATE";
            }
        }
        downlinks.add(new Downlink(txpk.path("tmst").asLong(-1), txpk.get("freq").asDouble(),
                txpk.get("datr").asText(), Base64.getDecoder().decode(txpk.get("data").asText()),
                txpk.get("ipol").asBoolean(), Instant.now(), txpk.path("imme").asBoolean(false),
                txpk.path("tmms").asLong(-1)));
        if (error != null) {
            refused.add(error);
        }
        int tok = (datagram[1] & 0xFF) << 8 | datagram[2] & 0xFF;
        String ack = "{\"txpk_ack\":{\"error\":\"" + (error == null ? "NONE" : error) + "\"}}";
        over(oneWay, () -> gateway.txAck(2, tok, ack));
    }

    /** The errors this gateway answered PULL_RESP with, in order (those the test set and TOO_LATE). */
    List<String> refusals() {
        return List.copyOf(refused);
    }

    private void read() {
        while (!closed) {
            try {
                byte[] datagram = gateway.receive(Duration.ofMillis(500));
                if (datagram.length > 4 && datagram[3] == SpecGateway.PULL_RESP) {
                    Duration oneWay = backhaul;
                    over(oneWay, () -> pullResp(datagram, oneWay));
                }
            } catch (SocketTimeoutException quiet) {
                // nothing from the server for a while: look at closed and listen again
            } catch (IOException e) {
                if (!closed) {
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        link.shutdownNow();
        gateway.close();
        reader.join(5_000);
    }
}
