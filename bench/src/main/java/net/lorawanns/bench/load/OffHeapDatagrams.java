package net.lorawanns.bench.load;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A run's datagrams, built before it is sent: their bytes outside the heap, in slabs of direct memory, each datagram
 * a Netty packet addressed to the server that {@link PushDataSender} writes as it is. Sending one then allocates
 * nothing: the generator's collections while sending stop its sending and its reading of PUSH_ACKs alike.
 */
final class OffHeapDatagrams implements AutoCloseable {
    private static final int SLAB = 16 << 20;

    private final InetSocketAddress recipient;
    private final int slabBytes;
    private final List<ByteBuf> slabs = new ArrayList<>();
    private final List<DatagramPacket> packets = new ArrayList<>();
    private ByteBuf slab = Unpooled.EMPTY_BUFFER;

    OffHeapDatagrams(InetSocketAddress recipient) {
        this(recipient, SLAB);
    }

    /** @param slabBytes the direct memory taken at a time (a longer datagram gets a slab of its own length) */
    OffHeapDatagrams(InetSocketAddress recipient, int slabBytes) {
        this.recipient = recipient;
        this.slabBytes = slabBytes;
    }

    /** Copies the datagram's remaining bytes. */
    void add(ByteBuffer datagram) {
        int length = datagram.remaining();
        if (slab.writableBytes() < length) {
            int capacity = Math.max(slabBytes, length);
            slab = Unpooled.directBuffer(capacity, capacity);
            slabs.add(slab);
        }
        int start = slab.writerIndex();
        slab.writeBytes(datagram.duplicate());
        // A slice shares its slab's reference count: the sender retains a packet before each write, and the write
        // releases it once sent.
        packets.add(new DatagramPacket(slab.slice(start, length), recipient));
    }

    /** Every datagram in the order added; each stays valid until {@link #close}. */
    List<DatagramPacket> all() {
        return packets;
    }

    @Override
    public void close() {
        slabs.forEach(ByteBuf::release);
        slabs.clear();
        packets.clear();
    }
}
