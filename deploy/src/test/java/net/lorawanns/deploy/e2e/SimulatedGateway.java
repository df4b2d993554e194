package net.lorawanns.deploy.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A Semtech UDP packet forwarder (protocol version 2) on a real socket: it pulls, pushes rxpk, receives PULL_RESP
 * and answers each with a TX_ACK, whose error the test may set. Datagrams are built from PROTOCOL.TXT.
 */
final class SimulatedGateway implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A txpk the server sent. */
    record Downlink(long tmst, double freqMhz, String datr, byte[] phy, boolean ipol, Instant receivedAt) {
    }

    final String eui;
    private final byte[] mac;
    private final DatagramSocket socket;
    private final InetSocketAddress server;
    private final BlockingQueue<Downlink> downlinks = new LinkedBlockingQueue<>();
    private final ConcurrentLinkedQueue<String> txAckErrors = new ConcurrentLinkedQueue<>();
    private final Thread reader;
    private int token;

    SimulatedGateway(String eui, int serverPort) throws IOException {
        this.eui = eui;
        this.mac = HexFormat.of().parseHex(eui);
        this.socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        this.server = new InetSocketAddress(InetAddress.getLoopbackAddress(), serverPort);
        this.reader = new Thread(this::read, "gateway-" + eui);
        reader.setDaemon(true);
        reader.start();
    }

    /** The TX_ACK error for the next downlink ("TOO_LATE", "COLLISION_PACKET", ...), instead of none. */
    void refuseNextDownlink(String error) {
        txAckErrors.add(error);
    }

    void pullData() throws IOException {
        send(2, nextToken(), 0x02, null);
    }

    /** PUSH_DATA with one rxpk of {@code phy}. */
    void uplink(byte[] phy, long tmst, long frequencyHz, String datr, double snr, int rssi) throws IOException {
        String rxpk = String.format(Locale.ROOT, "{\"rxpk\":[{\"tmst\":%d,\"time\":\"%s\",\"chan\":0,\"rfch\":0,"
                        + "\"freq\":%.6f,\"stat\":1,\"modu\":\"LORA\",\"datr\":\"%s\",\"codr\":\"4/5\",\"lsnr\":%.1f,"
                        + "\"rssi\":%d,\"size\":%d,\"data\":\"%s\"}]}", tmst, Instant.now(), frequencyHz / 1e6, datr,
                snr, rssi, phy.length, Base64.getEncoder().encodeToString(phy));
        send(2, nextToken(), 0x00, rxpk);
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

    private void send(int version, int tok, int identifier, String json) throws IOException {
        byte[] body = json == null ? new byte[0] : json.getBytes(StandardCharsets.UTF_8);
        byte[] datagram = new byte[12 + body.length];
        datagram[0] = (byte) version;
        datagram[1] = (byte) (tok >> 8);
        datagram[2] = (byte) tok;
        datagram[3] = (byte) identifier;
        System.arraycopy(mac, 0, datagram, 4, 8);
        System.arraycopy(body, 0, datagram, 12, body.length);
        socket.send(new DatagramPacket(datagram, datagram.length, server));
    }

    private void read() {
        byte[] buffer = new byte[65_536];
        while (!socket.isClosed()) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(packet);
                byte[] datagram = Arrays.copyOf(buffer, packet.getLength());
                if (datagram.length > 4 && datagram[3] == 0x03) {
                    JsonNode txpk = JSON.readTree(new String(datagram, 4, datagram.length - 4, StandardCharsets.UTF_8))
                            .get("txpk");
                    downlinks.add(new Downlink(txpk.get("tmst").asLong(), txpk.get("freq").asDouble(),
                            txpk.get("datr").asText(), Base64.getDecoder().decode(txpk.get("data").asText()),
                            txpk.get("ipol").asBoolean(), Instant.now()));
                    String error = txAckErrors.poll();
                    int tok = (datagram[1] & 0xFF) << 8 | datagram[2] & 0xFF;
                    send(2, tok, 0x05, "{\"txpk_ack\":{\"error\":\"" + (error == null ? "NONE" : error) + "\"}}");
                }
            } catch (SocketException closed) {
                return;
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        socket.close();
        reader.join(5_000);
    }
}
