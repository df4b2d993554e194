package net.lorawanns.sim;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;

/**
 * A packet forwarder as Semtech's PROTOCOL.TXT describes it, on a real UDP socket. It builds its datagrams byte by
 * byte from the protocol document and shares no code with the server's gateway bridge. Sending is safe from any
 * thread; one thread receives.
 */
public final class SpecGateway implements AutoCloseable {
    public static final int PUSH_DATA = 0x00;
    public static final int PUSH_ACK = 0x01;
    public static final int PULL_DATA = 0x02;
    public static final int PULL_RESP = 0x03;
    public static final int PULL_ACK = 0x04;
    public static final int TX_ACK = 0x05;

    private final DatagramSocket socket;
    private final byte[] mac;
    private final InetSocketAddress server;

    public SpecGateway(String eui, int serverPort) throws IOException {
        this(eui, serverPort, "127.0.0.1");
    }

    public SpecGateway(String eui, int serverPort, String localAddress) throws IOException {
        this(eui, new InetSocketAddress(InetAddress.getByName(localAddress), 0),
                new InetSocketAddress(InetAddress.getLoopbackAddress(), serverPort));
    }

    /** A gateway on an ephemeral port of every local address, sending to {@code server}. */
    public SpecGateway(String eui, InetSocketAddress server) throws IOException {
        this(eui, new InetSocketAddress(0), server);
    }

    private SpecGateway(String eui, InetSocketAddress local, InetSocketAddress server) throws IOException {
        this.socket = new DatagramSocket(local);
        this.mac = new byte[8];
        for (int i = 0; i < 8; i++) {
            mac[i] = (byte) Integer.parseInt(eui.substring(2 * i, 2 * i + 2), 16);
        }
        this.server = server;
    }

    /** Bytes 0-3: version, token (2 bytes), identifier; bytes 4-11: the gateway MAC; then the JSON. */
    public byte[] withMac(int version, int token, int identifier, String json) {
        byte[] body = json == null ? new byte[0] : json.getBytes(StandardCharsets.UTF_8);
        byte[] datagram = new byte[12 + body.length];
        datagram[0] = (byte) version;
        datagram[1] = (byte) (token >> 8);
        datagram[2] = (byte) token;
        datagram[3] = (byte) identifier;
        System.arraycopy(mac, 0, datagram, 4, 8);
        System.arraycopy(body, 0, datagram, 12, body.length);
        return datagram;
    }

    public void pushData(int version, int token, String json) throws IOException {
        send(withMac(version, token, PUSH_DATA, json));
    }

    public void pullData(int version, int token) throws IOException {
        send(withMac(version, token, PULL_DATA, null));
    }

    public void txAck(int version, int token, String json) throws IOException {
        send(withMac(version, token, TX_ACK, json));
    }

    public void send(byte[] datagram) throws IOException {
        socket.send(new DatagramPacket(datagram, datagram.length, server));
    }

    /** The next datagram from the server, or an exception when none comes within {@code timeout}. */
    public byte[] receive(Duration timeout) throws IOException {
        byte[] buffer = new byte[65_536];
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        socket.setSoTimeout((int) timeout.toMillis());
        socket.receive(packet);
        return Arrays.copyOf(buffer, packet.getLength());
    }

    /** The next datagram, or null when none comes within {@code timeout}. */
    public byte[] receiveOrNull(Duration timeout) throws IOException {
        try {
            return receive(timeout);
        } catch (SocketTimeoutException e) {
            return null;
        }
    }

    public static byte[] ack(int version, int token, int identifier) {
        return new byte[] {(byte) version, (byte) (token >> 8), (byte) token, (byte) identifier};
    }

    @Override
    public void close() {
        socket.close();
    }
}
