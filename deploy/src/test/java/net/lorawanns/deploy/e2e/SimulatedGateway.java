package net.lorawanns.deploy.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import net.lorawanns.bridge.TestGateway;

/**
 * A Semtech UDP packet forwarder (protocol version 2) that keeps running: on the bridge tests' {@link TestGateway}
 * (datagrams built from PROTOCOL.TXT, a real socket), it pulls, pushes rxpk, and answers every PULL_RESP with a
 * TX_ACK, whose error the test may set.
 */
final class SimulatedGateway implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A txpk the server sent. */
    record Downlink(long tmst, double freqMhz, String datr, byte[] phy, boolean ipol, Instant receivedAt) {
    }

    final String eui;
    private final TestGateway gateway;
    private volatile boolean closed;
    private final BlockingQueue<Downlink> downlinks = new LinkedBlockingQueue<>();
    private final ConcurrentLinkedQueue<String> txAckErrors = new ConcurrentLinkedQueue<>();
    private final Thread reader;
    private int token;
    /** The GPS time (ms since the GPS epoch) the next rxpk reports as {@code tmms}; null: the gateway has no GPS. */
    private volatile Long gpsTimeMillis;

    SimulatedGateway(String eui, int serverPort) throws IOException {
        this.eui = eui;
        this.gateway = new TestGateway(eui, serverPort);
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

    void pullData() throws IOException {
        gateway.pullData(2, nextToken());
    }

    /** PUSH_DATA with one rxpk of {@code phy}. */
    void uplink(byte[] phy, long tmst, long frequencyHz, String datr, double snr, int rssi) throws IOException {
        Long gps = gpsTimeMillis;
        String tmms = gps == null ? "" : "\"tmms\":" + gps + ",";
        String rxpk = String.format(Locale.ROOT, "{\"rxpk\":[{\"tmst\":%d,%s\"time\":\"%s\",\"chan\":0,\"rfch\":0,"
                        + "\"freq\":%.6f,\"stat\":1,\"modu\":\"LORA\",\"datr\":\"%s\",\"codr\":\"4/5\",\"lsnr\":%.1f,"
                        + "\"rssi\":%d,\"size\":%d,\"data\":\"%s\"}]}", tmst, tmms, Instant.now(), frequencyHz / 1e6,
                datr, snr, rssi, phy.length, Base64.getEncoder().encodeToString(phy));
        gateway.pushData(2, nextToken(), rxpk);
    }

    /** The next downlink, or an AssertionError when none comes in time. */
    Downlink awaitDownlink(Duration timeout) throws InterruptedException {
        Downlink downlink = downlinks.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (downlink == null) {
            throw new AssertionError("gateway " + eui + " got no downlink within " + timeout);
        }
        return downlink;
    }

    /** The next downlink if one comes within {@code timeout}. */
    Downlink pollDownlink(Duration timeout) throws InterruptedException {
        return downlinks.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private synchronized int nextToken() {
        token = (token + 1) & 0xFFFF;
        return token;
    }

    private void read() {
        while (!closed) {
            try {
                byte[] datagram = gateway.receive(Duration.ofMillis(500));
                if (datagram.length > 4 && datagram[3] == TestGateway.PULL_RESP) {
                    JsonNode txpk = JSON.readTree(new String(datagram, 4, datagram.length - 4, StandardCharsets.UTF_8))
                            .get("txpk");
                    downlinks.add(new Downlink(txpk.get("tmst").asLong(), txpk.get("freq").asDouble(),
                            txpk.get("datr").asText(), Base64.getDecoder().decode(txpk.get("data").asText()),
                            txpk.get("ipol").asBoolean(), Instant.now()));
                    String error = txAckErrors.poll();
                    int tok = (datagram[1] & 0xFF) << 8 | datagram[2] & 0xFF;
                    gateway.txAck(2, tok, "{\"txpk_ack\":{\"error\":\"" + (error == null ? "NONE" : error) + "\"}}");
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
        gateway.close();
        reader.join(5_000);
    }
}
