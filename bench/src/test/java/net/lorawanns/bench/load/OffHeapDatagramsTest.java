package net.lorawanns.bench.load;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OffHeapDatagramsTest {
    private static final InetSocketAddress SERVER = new InetSocketAddress("127.0.0.1", 1700);

    @Test
    void keepsEachDatagramWholeAcrossSlabsAndAddressedToTheServer() {
        List<byte[]> added = new ArrayList<>();
        // Slabs of 100 bytes: datagrams of 30 to 130 bytes fill some, and the longest get slabs of their own.
        try (OffHeapDatagrams datagrams = new OffHeapDatagrams(SERVER, 100)) {
            for (int i = 0; i < 50; i++) {
                byte[] datagram = new byte[30 + (i * 7) % 101];
                datagram[0] = (byte) i;
                datagram[datagram.length - 1] = (byte) (i + 1);
                added.add(datagram);
                datagrams.add(ByteBuffer.wrap(datagram));
            }

            List<DatagramPacket> all = datagrams.all();
            assertEquals(added.size(), all.size());
            for (int i = 0; i < added.size(); i++) {
                DatagramPacket packet = all.get(i);
                assertTrue(packet.content().isDirect(), "datagram " + i + " is outside the heap");
                assertArrayEquals(added.get(i), ByteBufUtil.getBytes(packet.content()), "datagram " + i);
                assertEquals(SERVER, packet.recipient());
            }
        }
    }

    @Test
    void aDatagramStaysValidAfterAWriteReleasesWhatItRetained() {
        try (OffHeapDatagrams datagrams = new OffHeapDatagrams(SERVER, 64)) {
            datagrams.add(ByteBuffer.wrap(new byte[] {2, 0, 1, 0}));
            datagrams.add(ByteBuffer.wrap(new byte[] {2, 0, 2, 0}));
            DatagramPacket first = datagrams.all().get(0);

            // What PushDataSender does for each write, and the channel once the datagram is sent.
            first.retain().release();

            assertArrayEquals(new byte[] {2, 0, 1, 0}, ByteBufUtil.getBytes(first.content()));
            assertArrayEquals(new byte[] {2, 0, 2, 0}, ByteBufUtil.getBytes(datagrams.all().get(1).content()));
        }
    }
}
