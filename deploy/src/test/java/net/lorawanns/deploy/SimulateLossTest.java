package net.lorawanns.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.lorawanns.config.ConfigLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code simulate} sees a loss: a relay between its gateways and the server's UDP port (real sockets both ways) drops
 * one datagram, a PUSH_DATA with an uplink or a PULL_RESP with the ACK of a confirmed one, and the run exits with 1
 * naming what was lost; without the relay, confirmed uplinks whose windows are open when the devices stop are judged.
 */
class SimulateLossTest {
    private static final String ADMIN_KEY = "simulate-loss-admin-0123456789abcdef";
    private static final String MASTER_KEY = "000102030405060708090A0B0C0D0E0F";
    /** Semtech UDP protocol version 2 identifiers (PROTOCOL.TXT). */
    private static final byte PUSH_DATA = 0x00;
    private static final byte PULL_RESP = 0x03;

    @TempDir
    Path dir;
    private Server server;
    private Relay relay;

    @BeforeEach
    void start() throws Exception {
        server = Server.start(new ConfigLoader().load(ApiTestServers.config(dir.resolve("ns.toml"), MASTER_KEY,
                ADMIN_KEY, "")));
    }

    @AfterEach
    void stop() {
        if (relay != null) {
            relay.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void anUplinkWhosePushDataIsDroppedIsLostByItsDevEuiAndFCnt() throws Exception {
        relay = new Relay(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.udpPort()), PUSH_DATA, true);
        String out = runExpectingLoss("--confirmed-share", "0");
        // The one device's first uplink, ABP: FCnt 0 (TS001 1.0.4 section 4.3.1.5, counters start at 0).
        assertTrue(Pattern.compile("LOST: 1 uplink\\(s\\) never seen as events \\(DevEUI:FCnt\\): "
                + "5E[0-9A-F]{6}00000000:0\n").matcher(out).find(), out);
        assertTrue(out.contains("uplinks delivered as events: 1 of 2 sent"), out);
    }

    @Test
    void aConfirmedUplinkWhoseAckIsDroppedIsUnacknowledged() throws Exception {
        relay = new Relay(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.udpPort()), PULL_RESP, false);
        String out = runExpectingLoss("--confirmed-share", "1");
        assertTrue(Pattern.compile("LOST: 1 confirmed uplink\\(s\\) without an ACK in RX1 or RX2: "
                + "5E[0-9A-F]{6}00000000:0\n").matcher(out).find(), out);
        assertTrue(out.contains("confirmed uplinks acknowledged: 1 of 2"), out);
        assertTrue(out.contains("uplinks delivered as events: 2 of 2 sent"), out);
    }

    @Test
    void confirmedUplinksWhoseWindowsAreOpenWhenTheDevicesStopAreStillJudged() {
        // The review's case: the second uplink's RX2 closes 2.2 s after it (TS001 1.0.4 section 6.2.5), after the
        // end of --duration and of the shortest grace; the run waits for it and every confirmed uplink is judged.
        CommandRun run = simulate(server.udpPort(), "--duration", "3s", "--confirmed-share", "1");
        assertEquals(0, run.status(), run.out() + run.err());
        String out = run.out();
        Matcher confirmed = Pattern.compile("confirmed uplinks acknowledged: (\\d+) of (\\d+)").matcher(out);
        assertTrue(confirmed.find(), out);
        assertEquals(confirmed.group(2), confirmed.group(1));
        Matcher sent = Pattern.compile("uplinks delivered as events: (\\d+) of (\\d+) sent").matcher(out);
        assertTrue(sent.find(), out);
        assertEquals(sent.group(2), confirmed.group(2));
        assertTrue(out.contains("Nothing lost."), out);
    }

    /** One ABP device of LoRaWAN 1.0.4 behind one gateway sends two uplinks through the relay; the run must fail. */
    private String runExpectingLoss(String... more) {
        List<String> args = new ArrayList<>(List.of("--uplinks", "2", "--duration", "20s"));
        args.addAll(List.of(more));
        CommandRun run = simulate(relay.port(), args.toArray(String[]::new));
        assertEquals(1, run.status(), run.out() + run.err());
        assertTrue(run.out().contains("Something was lost or wrong: exit status 1"), run.out());
        assertTrue(relay.dropped.get(), "the relay dropped a datagram");
        return run.out();
    }

    /** Runs one ABP device of LoRaWAN 1.0.4 behind one gateway, sending to {@code udpPort}. */
    private CommandRun simulate(int udpPort, String... more) {
        List<String> args = new ArrayList<>(List.of("simulate", "--gateways", "1", "--devices", "1", "--activation",
                "abp", "--mac-version", "1.0.4", "--interval", "100ms", "--grace", "3s", "--seed", "7", "--api-key",
                ADMIN_KEY, "--url", "http://127.0.0.1:" + server.apiPort(), "--udp", "127.0.0.1:" + udpPort));
        args.addAll(List.of(more));
        return CommandRun.run(args);
    }

    /**
     * Forwards each gateway's datagrams to the server from a socket of its own (so the server's answers find their way
     * back) and the answers to the gateway, dropping the first datagram of one identifier in one direction. A reader
     * thread per socket.
     */
    private static final class Relay implements AutoCloseable {
        private final DatagramSocket front = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(),
                0));
        private final InetSocketAddress server;
        private final byte drop;
        private final boolean upstream;
        private final Map<SocketAddress, DatagramSocket> back = new ConcurrentHashMap<>();
        final AtomicBoolean dropped = new AtomicBoolean();

        Relay(InetSocketAddress server, byte drop, boolean upstream) throws IOException {
            this.server = server;
            this.drop = drop;
            this.upstream = upstream;
            reader("relay-front", front, (packet, datagram) -> {
                if (upstream && chosen(datagram)) {
                    return;
                }
                DatagramSocket socket = back.computeIfAbsent(packet.getSocketAddress(), this::open);
                socket.send(new DatagramPacket(datagram, datagram.length, server));
            });
        }

        int port() {
            return front.getLocalPort();
        }

        /** Whether this datagram is the one to drop: the first with the identifier. */
        private boolean chosen(byte[] datagram) {
            return datagram.length >= 4 && datagram[3] == drop && dropped.compareAndSet(false, true);
        }

        private DatagramSocket open(SocketAddress gateway) {
            try {
                DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                reader("relay-back", socket, (packet, datagram) -> {
                    if (!upstream && chosen(datagram)) {
                        return;
                    }
                    front.send(new DatagramPacket(datagram, datagram.length, gateway));
                });
                return socket;
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        private interface Forward {
            void accept(DatagramPacket packet, byte[] datagram) throws IOException;
        }

        private static void reader(String name, DatagramSocket socket, Forward forward) {
            Thread thread = new Thread(() -> {
                byte[] buffer = new byte[65_535];
                while (!socket.isClosed()) {
                    DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                    try {
                        socket.receive(packet);
                        forward.accept(packet, Arrays.copyOf(buffer, packet.getLength()));
                    } catch (IOException closed) {
                        // closed by close(): the loop ends
                    }
                }
            }, name);
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void close() {
            front.close();
            back.values().forEach(DatagramSocket::close);
        }
    }
}
