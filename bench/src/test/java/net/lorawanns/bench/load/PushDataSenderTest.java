package net.lorawanns.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.epoll.Epoll;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link PushDataSender} against a gateway-facing socket in this test: a real UDP socket that answers PUSH_DATA
 * with PUSH_ACK as PROTOCOL.TXT section 3.3 says (protocol version, the token, identifier 0x01), except for the
 * datagrams the test chooses to leave unanswered.
 */
class PushDataSenderTest {
    private static final int COPIES = 3;
    private static final int FRAMES = 60;
    private static final int FRAMES_PER_SECOND = 1_000;

    private DatagramChannel server;
    private Thread responder;
    private final List<byte[]> received = new CopyOnWriteArrayList<>();
    /** Tokens the responder does not answer. */
    private final List<Integer> unanswered = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startServer() throws Exception {
        server = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        responder = new Thread(this::answer, "test-server");
        responder.start();
    }

    @AfterEach
    void stopServer() throws Exception {
        server.close();
        responder.join(TimeUnit.SECONDS.toMillis(5));
    }

    @ParameterizedTest(name = "epoll {0}")
    @ValueSource(booleans = {true, false})
    void sendsEveryDatagramInOrderPacedAndTimesEachAck(boolean epoll) throws Exception {
        Assumptions.assumeTrue(!epoll || Epoll.isAvailable(), "no epoll on this machine");
        List<ByteBuffer> datagrams = datagrams();
        List<Integer> framesTold = new ArrayList<>();
        PushAckClock acks = new PushAckClock(FRAMES * COPIES);

        double seconds;
        try (OffHeapDatagrams prebuilt = prebuilt(datagrams)) {
            seconds = new PushDataSender(FRAMES_PER_SECOND, COPIES, epoll)
                    .send(prebuilt.all(), acks, framesTold::add, TimeUnit.SECONDS.toNanos(5));
        }

        assertEquals(datagrams.size(), received.size());
        for (int i = 0; i < datagrams.size(); i++) {
            assertEquals(datagrams.get(i), ByteBuffer.wrap(received.get(i)), "datagram " + i);
        }
        assertEquals(FRAMES, framesTold.size());
        for (int frame = 0; frame < FRAMES; frame++) {
            assertEquals(frame, framesTold.get(frame));
        }
        assertEquals(datagrams.size(), acks.roundTrips().count());
        assertEquals(0, acks.missing());
        assertEquals(0, acks.unmatched());
        // The last frame is due 59 ms after the first and may leave up to the pacing slack early.
        double earliest = ((FRAMES - 1) * 1e9 / FRAMES_PER_SECOND - PushDataSender.PACING_SLACK_NANOS) / 1e9;
        assertTrue(seconds >= earliest, seconds + " s < " + earliest + " s: frames were not paced");
    }

    @ParameterizedTest(name = "epoll {0}")
    @ValueSource(booleans = {true, false})
    void countsDatagramsNeverAnsweredWithinTheGrace(boolean epoll) throws Exception {
        Assumptions.assumeTrue(!epoll || Epoll.isAvailable(), "no epoll on this machine");
        unanswered.addAll(List.of(7, 100));
        PushAckClock acks = new PushAckClock(FRAMES * COPIES);

        try (OffHeapDatagrams prebuilt = prebuilt(datagrams())) {
            new PushDataSender(FRAMES_PER_SECOND, COPIES, epoll)
                    .send(prebuilt.all(), acks, frame -> { }, TimeUnit.MILLISECONDS.toNanos(200));
        }

        assertEquals(2, acks.missing());
        assertEquals(FRAMES * COPIES - 2, acks.roundTrips().count());
    }

    private OffHeapDatagrams prebuilt(List<ByteBuffer> datagrams) throws Exception {
        OffHeapDatagrams prebuilt = new OffHeapDatagrams((InetSocketAddress) server.getLocalAddress());
        datagrams.forEach(prebuilt::add);
        return prebuilt;
    }

    /** PUSH_DATA datagrams (PROTOCOL.TXT section 3.2), token i for the i-th, each copy with its own gateway. */
    private static List<ByteBuffer> datagrams() {
        List<ByteBuffer> datagrams = new ArrayList<>();
        for (int i = 0; i < FRAMES * COPIES; i++) {
            byte[] body = ("{\"rxpk\":[{\"data\":\"frame " + i / COPIES + "\"}]}").getBytes();
            ByteBuffer datagram = ByteBuffer.allocate(12 + body.length);
            datagram.put((byte) 2).putShort((short) i).put((byte) 0).putLong(0xAA555A0000000000L + i % COPIES)
                    .put(body);
            datagrams.add(datagram.flip());
        }
        return datagrams;
    }

    private void answer() {
        ByteBuffer in = ByteBuffer.allocate(1024);
        try {
            while (true) {
                in.clear();
                SocketAddress gateway = server.receive(in);
                in.flip();
                byte[] datagram = new byte[in.remaining()];
                in.get(datagram);
                received.add(datagram);
                int token = ((datagram[1] & 0xFF) << 8) | (datagram[2] & 0xFF);
                if (!unanswered.contains(token)) {
                    server.send(ByteBuffer.wrap(new byte[] {2, datagram[1], datagram[2], 1}), gateway);
                }
            }
        } catch (java.io.IOException closed) {
            // the test is over
        }
    }
}
