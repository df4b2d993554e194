package net.lorawanns.deploy.simulate;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import net.lorawanns.sim.SpecGateway;

/**
 * A gateway running Semtech's packet forwarder (protocol version 2, PROTOCOL.TXT) on the spec gateway's socket: its
 * free-running 32-bit microsecond counter ({@code tmst}, started at a random value), PUSH_DATA with one rxpk per
 * frame it hears, PULL_DATA keep-alives, and a TX_ACK for every PULL_RESP. The simulation thread pushes and pulls; a
 * reader thread of its own ({@code sim-gateway-EUI}) receives and hands each txpk to {@code downlinks}.
 */
final class VirtualGateway implements AutoCloseable {
    /** A txpk the server asked this gateway to transmit. */
    record Txpk(VirtualGateway gateway, long tmst, boolean immediately, long frequencyHz, String datr, byte[] phy) {
    }

    private static final int VERSION = 2;
    private static final Duration READ_WAKE_UP = Duration.ofMillis(250);

    final String eui;
    private final SpecGateway socket;
    private final long counterStart;
    private final long startNanos = System.nanoTime();
    private final Thread reader;
    private final Consumer<Txpk> downlinks;
    private final Consumer<String> problems;
    private volatile boolean closed;
    /** Completed by the reader at the first PULL_ACK: the server knows where to send PULL_RESP. */
    final CompletableFuture<Void> pulled = new CompletableFuture<>();
    private int token;

    /**
     * @param downlinks takes each txpk, on the reader thread
     * @param problems  takes a description of each datagram that could not be read, on the reader thread
     */
    VirtualGateway(String eui, InetSocketAddress server, long counterStart, Consumer<Txpk> downlinks,
                   Consumer<String> problems) throws IOException {
        this.eui = eui;
        this.socket = new SpecGateway(eui, server);
        this.counterStart = counterStart;
        this.downlinks = downlinks;
        this.problems = problems;
        this.reader = new Thread(this::read, "sim-gateway-" + eui);
        reader.setDaemon(true);
        reader.start();
    }

    /** The concentrator's counter now: microseconds, wrapping at 2^32. */
    long counter() {
        return (counterStart + (System.nanoTime() - startNanos) / 1000) & 0xFFFF_FFFFL;
    }

    void pullData() throws IOException {
        socket.pullData(VERSION, nextToken());
    }

    /** PUSH_DATA with the rxpk of a frame heard now, stamped {@code tmst}; returns the stamp. */
    long push(byte[] phy, long frequencyHz, String datr, int rssi, double snr) throws IOException {
        long tmst = counter();
        String rxpk = String.format(Locale.ROOT, "{\"rxpk\":[{\"tmst\":%d,\"time\":\"%s\",\"chan\":0,\"rfch\":0,"
                        + "\"freq\":%.6f,\"stat\":1,\"modu\":\"LORA\",\"datr\":\"%s\",\"codr\":\"4/5\",\"rssi\":%d,"
                        + "\"lsnr\":%.1f,\"size\":%d,\"data\":\"%s\"}]}", tmst, Instant.now(), frequencyHz / 1e6, datr,
                rssi, snr, phy.length, Base64.getEncoder().encodeToString(phy));
        socket.pushData(VERSION, nextToken(), rxpk);
        return tmst;
    }

    private synchronized int nextToken() {
        token = (token + 1) & 0xFFFF;
        return token;
    }

    private void read() {
        while (!closed) {
            try {
                byte[] datagram = socket.receive(READ_WAKE_UP);
                if (datagram.length < 4) {
                    continue;
                }
                if (datagram[3] == SpecGateway.PULL_ACK) {
                    pulled.complete(null);
                } else if (datagram[3] == SpecGateway.PULL_RESP) {
                    pullResp(datagram);
                }
            } catch (SocketTimeoutException quiet) {
                // nothing from the server for a while: look at closed and listen again
            } catch (IOException e) {
                if (!closed) {
                    problems.accept("gateway " + eui + ": " + e.getMessage());
                }
            }
        }
    }

    /** Reads the txpk, hands it on and acknowledges it with the PULL_RESP's token (TX_ACK, protocol version 2). */
    private void pullResp(byte[] datagram) throws IOException {
        int pullToken = (datagram[1] & 0xFF) << 8 | datagram[2] & 0xFF;
        try {
            JsonObject txpk = new JsonObject(new String(datagram, 4, datagram.length - 4, StandardCharsets.UTF_8))
                    .getJsonObject("txpk");
            downlinks.accept(new Txpk(this, txpk.getLong("tmst", -1L), txpk.getBoolean("imme", false),
                    Math.round(txpk.getDouble("freq") * 1e6), txpk.getString("datr"),
                    Base64.getDecoder().decode(txpk.getString("data"))));
        } catch (DecodeException | ClassCastException | NullPointerException | IllegalArgumentException e) {
            // lora_pkt_fwd drops a PULL_RESP whose JSON it cannot read, without a TX_ACK.
            problems.accept("gateway " + eui + ": a PULL_RESP it cannot read: " + e.getMessage());
            return;
        }
        socket.txAck(VERSION, pullToken, "{\"txpk_ack\":{\"error\":\"NONE\"}}");
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        socket.close();
        reader.join(READ_WAKE_UP.toMillis() * 4);
    }
}
