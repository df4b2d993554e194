package net.lorawanns.bench.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The simulated gateways' downlink side, for the confirmed-uplink workload: each gateway has its own socket, sends
 * PULL_DATA from it (at start and every 10 s, well within the server's offline timeout), so that the server's PULL_RESP
 * for that gateway comes to it, and answers each PULL_RESP with a TX_ACK ({@code "error":"NONE"}) as a forwarder that
 * accepted the frame does (PROTOCOL.TXT sections 5 and 6). A PULL_RESP whose frame acknowledges a confirmed uplink
 * (FCtrl.ACK, LoRaWAN 1.0.x section 4.3.1.2) is timed from that uplink's first copy leaving the generator, less the
 * server's deduplication delay, during which the server waits for more copies by design.
 *
 * <p>One thread, {@code downlink-gateways}, reads and answers every socket; {@link #uplinkSent} is called by the
 * sending thread. Results are read after {@link #close}.
 */
final class DownlinkGateways implements AutoCloseable {
    private static final long PULL_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final byte[] TX_ACK_NONE = "{\"txpk_ack\":{\"error\":\"NONE\"}}".getBytes(StandardCharsets.US_ASCII);
    private static final Pattern DATA = Pattern.compile("\"data\"\\s*:\\s*\"([^\"]+)\"");

    private final Selector selector;
    private final List<DatagramChannel> channels = new ArrayList<>();
    private final long[] euis;
    private final InetSocketAddress server;
    private final long deduplicationNanos;
    private final AtomicLongArray uplinkSentAt;
    private final Thread thread;
    private final Latencies beyondWindow = new Latencies();
    private volatile boolean measuring;
    private long confirmedSent;
    private long overtaken;
    private long pullResps;
    private long unmatchedDownlinks;
    private int pullToken;

    DownlinkGateways(long[] euis, int udpPort, int devices, long deduplicationNanos) throws IOException {
        this.euis = euis;
        this.server = new InetSocketAddress("127.0.0.1", udpPort);
        this.deduplicationNanos = deduplicationNanos;
        this.uplinkSentAt = new AtomicLongArray(devices);
        this.selector = Selector.open();
        for (int g = 0; g < euis.length; g++) {
            DatagramChannel channel = DatagramChannel.open();
            channel.bind(new InetSocketAddress("127.0.0.1", 0));
            channel.connect(server);
            channel.configureBlocking(false);
            channel.register(selector, SelectionKey.OP_READ, g);
            channels.add(channel);
        }
        pullAll();
        thread = new Thread(this::serve, "downlink-gateways");
        thread.setDaemon(true);
        thread.start();
    }

    /** From now on, uplinks and their downlinks are counted; what the warm-up left behind is forgotten. */
    void startMeasuring() {
        for (int i = 0; i < uplinkSentAt.length(); i++) {
            uplinkSentAt.set(i, 0);
        }
        confirmedSent = 0;
        overtaken = 0;
        measuring = true;
    }

    /** The first copy of {@code device}'s confirmed uplink left now; called by the sending thread. */
    void uplinkSent(int device, long nowNanos) {
        if (uplinkSentAt.getAndSet(device, nowNanos) != 0 && measuring) {
            overtaken++;
        }
        confirmedSent++;
    }

    private void serve() {
        ByteBuffer in = ByteBuffer.allocate(2048);
        long nextPull = System.nanoTime() + PULL_INTERVAL_NANOS;
        try {
            while (selector.isOpen()) {
                selector.select(1_000);
                for (SelectionKey key : selector.selectedKeys()) {
                    DatagramChannel channel = (DatagramChannel) key.channel();
                    int gateway = (Integer) key.attachment();
                    while (true) {
                        in.clear();
                        if (channel.read(in) <= 0) {
                            break;
                        }
                        long now = System.nanoTime();
                        in.flip();
                        if (in.remaining() >= 4 && in.get(3) == 0x03) {
                            pullResp(channel, gateway, in, now);
                        }
                    }
                }
                selector.selectedKeys().clear();
                if (System.nanoTime() - nextPull > 0) {
                    pullAll();
                    nextPull += PULL_INTERVAL_NANOS;
                }
            }
        } catch (ClosedSelectorException | IOException closed) {
            // closed by close(): the run is over
        }
    }

    /** Answers the PULL_RESP with a TX_ACK and times the uplink it acknowledges, if any. */
    private void pullResp(DatagramChannel channel, int gateway, ByteBuffer datagram, long nowNanos)
            throws IOException {
        ByteBuffer txAck = ByteBuffer.allocate(12 + TX_ACK_NONE.length);
        txAck.put((byte) 2).put(datagram.get(1)).put(datagram.get(2)).put((byte) 0x05).putLong(euis[gateway])
                .put(TX_ACK_NONE).flip();
        channel.write(txAck);
        if (!measuring) {
            return;
        }
        pullResps++;
        byte[] json = new byte[datagram.remaining() - 4];
        datagram.position(4).get(json);
        Matcher data = DATA.matcher(new String(json, StandardCharsets.US_ASCII));
        byte[] phy = data.find() ? Base64.getDecoder().decode(data.group(1)) : new byte[0];
        // MHDR, DevAddr (little-endian), FCtrl: ACK is FCtrl bit 5 in a downlink.
        if (phy.length < 8 || (phy[5] & 0x20) == 0) {
            unmatchedDownlinks++;
            return;
        }
        int devAddr = (phy[1] & 0xFF) | (phy[2] & 0xFF) << 8 | (phy[3] & 0xFF) << 16 | (phy[4] & 0xFF) << 24;
        int device = devAddr - 1;
        long sent = device >= 0 && device < uplinkSentAt.length() ? uplinkSentAt.getAndSet(device, 0) : 0;
        if (sent == 0) {
            unmatchedDownlinks++;
        } else {
            beyondWindow.add(nowNanos - sent - deduplicationNanos);
        }
    }

    private void pullAll() throws IOException {
        for (int g = 0; g < channels.size(); g++) {
            int token = pullToken++ & 0xFFFF;
            ByteBuffer pull = ByteBuffer.allocate(12);
            pull.put((byte) 2).putShort((short) token).put((byte) 0x02).putLong(euis[g]).flip();
            channels.get(g).write(pull);
        }
    }

    @Override
    public void close() {
        try {
            selector.close();
            thread.join(TimeUnit.SECONDS.toMillis(5));
            for (DatagramChannel channel : channels) {
                channel.close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Confirmed uplinks sent while measuring. */
    long confirmedSent() {
        return confirmedSent;
    }

    /** Confirmed uplinks sent while measuring whose ACK never came: overtaken by the device's next, or still waiting. */
    long unanswered() {
        long waiting = 0;
        for (int i = 0; i < uplinkSentAt.length(); i++) {
            if (uplinkSentAt.get(i) != 0) {
                waiting++;
            }
        }
        return overtaken + waiting;
    }

    /** PULL_RESPs received while measuring. */
    long pullResps() {
        return pullResps;
    }

    /** PULL_RESPs without an ACK, or acknowledging no uplink waiting for one. */
    long unmatchedDownlinks() {
        return unmatchedDownlinks;
    }

    /** Uplink send to its ACK's PULL_RESP, less the deduplication delay. */
    Latencies beyondWindow() {
        return beyondWindow;
    }
}
