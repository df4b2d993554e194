package net.lorawanns.bench.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/**
 * The simulated gateways' socket for one phase of a run: sends the phase's PUSH_DATA datagrams at the frame rate and
 * times each PUSH_ACK, both on one Netty event loop.
 *
 * <p>With the epoll transport, each frame's copies leave in one system call (sendmmsg) and the PUSH_ACKs waiting are
 * read in one (recvmmsg). The generator shares the machine with the server and Redis; with a call per datagram
 * (Java's {@code DatagramChannel}, and a reader thread polling the socket), the entry and exit of those calls took
 * a third of its CPU on a PVM guest (async-profiler, 30,000 copies/s), CPU the server and Redis then waited for. A
 * frame's copies are stamped just before they leave together, so a round trip reads long by the kernel's time to
 * send the copies before it in the same call (microseconds). The event loop waits on the socket and a timer: a
 * PUSH_ACK is stamped when the loop wakes for it, or after the frames it is sending, whichever comes later.
 *
 * <p>The datagrams are {@link OffHeapDatagrams}': sending one allocates nothing.
 *
 * <p>Pacing: a frame is sent when due, but the loop sleeps only when the next frame is more than
 * {@link #PACING_SLACK_NANOS} ahead, so frames leave in bursts of about a millisecond's worth.
 */
final class PushDataSender {
    /** The loop sleeps only when the next frame is due this much later: fewer timer wake-ups. */
    static final long PACING_SLACK_NANOS = 1_000_000;
    /** Room for one datagram read: a PUSH_ACK is 4 bytes (PROTOCOL.TXT section 3.3), and longer ones are cut here. */
    private static final int ACK_SLOT = 64;
    private static final int ACKS_PER_CALL = 64;
    private static final int KERNEL_BUFFER = 4 << 20;

    private final int copies;
    private final long frameNanos;
    private final boolean epoll;
    /** The event loop's waits for a CPU over its life, read on it as {@link #send} ends. */
    private Optional<CpuWait> loopWaited = Optional.empty();

    /**
     * On epoll where the machine has it.
     *
     * @param framesPerSecond frames sent per second; each frame is {@code copies} consecutive datagrams
     */
    PushDataSender(int framesPerSecond, int copies) {
        this(framesPerSecond, copies, Epoll.isAvailable());
    }

    /** @param epoll on the epoll transport, else on Java NIO's */
    PushDataSender(int framesPerSecond, int copies, boolean epoll) {
        this.copies = copies;
        this.frameNanos = 1_000_000_000L / framesPerSecond;
        this.epoll = epoll;
    }

    /** The transport the phases run on: "epoll (sendmmsg, recvmmsg)", or why not. */
    static String transport() {
        return Epoll.isAvailable() ? "epoll (sendmmsg, recvmmsg)"
                : "Java NIO, one datagram per system call (" + Epoll.unavailabilityCause() + ")";
    }

    /**
     * Sends {@code datagrams} ({@link OffHeapDatagrams#all}, or any packets with direct buffers; each is retained
     * for its write), the frame's copies consecutive, frames paced from the call on, from a socket of its own; returns
     * when all are sent and every PUSH_ACK has come or {@code graceNanos} have passed since the last was sent. Each
     * datagram's token (bytes 1 and 2) is stamped in {@code acks}. {@code frameSent} is told each frame's index
     * in {@code datagrams} (datagram index / copies) just before its copies are sent, on the event loop.
     *
     * @return the seconds from the first frame's send to the last's
     */
    double send(List<DatagramPacket> datagrams, PushAckClock acks, IntConsumer frameSent, long graceNanos)
            throws Exception {
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, io);
        try {
            Channel channel = new Bootstrap().group(group)
                    .channel(epoll ? EpollDatagramChannel.class : NioDatagramChannel.class)
                    .option(ChannelOption.SO_SNDBUF, KERNEL_BUFFER)
                    .option(ChannelOption.SO_RCVBUF, KERNEL_BUFFER)
                    .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(
                            epoll ? ACK_SLOT * ACKS_PER_CALL : ACK_SLOT).maxMessagesPerRead(ACKS_PER_CALL))
                    .handler(new AckReader(acks))
                    .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
            if (epoll) {
                // recvmmsg into ACKS_PER_CALL slots of ACK_SLOT bytes (the read buffer above holds them all).
                ((DatagramChannel) channel).config().setOption(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, ACK_SLOT);
            }
            Pacer pacer = new Pacer(channel, datagrams, acks, frameSent);
            channel.eventLoop().execute(pacer);
            double seconds = pacer.finished.get();
            long deadline = System.nanoTime() + graceNanos;
            while (acks.missing() > 0 && System.nanoTime() < deadline) {
                TimeUnit.MILLISECONDS.sleep(10);
            }
            loopWaited = channel.eventLoop().submit(() -> CpuWait.ofThread(Path.of("/proc/thread-self"))).get();
            channel.close().sync();
            return seconds;
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    /**
     * How long the event loop of the last {@link #send} (its only thread, made for it) waited for a CPU, and how often
     * it was preempted; empty where /proc does not say.
     */
    Optional<CpuWait> loopWaited() {
        return loopWaited;
    }

    /** Sends the frames due, then sleeps on the event loop until the next is; runs on the event loop only. */
    private final class Pacer implements Runnable {
        private final Channel channel;
        private final List<DatagramPacket> datagrams;
        private final PushAckClock acks;
        private final IntConsumer frameSent;
        private final CompletableFuture<Double> finished = new CompletableFuture<>();
        private long start;
        private int next;

        Pacer(Channel channel, List<DatagramPacket> datagrams, PushAckClock acks, IntConsumer frameSent) {
            this.channel = channel;
            this.datagrams = datagrams;
            this.acks = acks;
            this.frameSent = frameSent;
        }

        @Override
        public void run() {
            try {
                if (next == 0) {
                    start = System.nanoTime();
                }
                while (next < datagrams.size()) {
                    long early = start + (next / copies) * frameNanos - System.nanoTime();
                    if (early > PACING_SLACK_NANOS) {
                        channel.eventLoop().schedule(this, early, TimeUnit.NANOSECONDS);
                        return;
                    }
                    sendFrame();
                }
                finished.complete((System.nanoTime() - start) / 1e9);
            } catch (RuntimeException e) {
                finished.completeExceptionally(e);
            }
        }

        private void sendFrame() {
            frameSent.accept(next / copies);
            int end = Math.min(next + copies, datagrams.size());
            long now = System.nanoTime();
            for (int i = next; i < end; i++) {
                DatagramPacket datagram = datagrams.get(i);
                ByteBuf bytes = datagram.content();
                acks.sent(bytes.getUnsignedShort(bytes.readerIndex() + 1), now);
                channel.write(datagram.retain(), channel.voidPromise());
            }
            channel.flush();
            next = end;
        }
    }

    /** Stamps each PUSH_ACK as it is read; on the event loop. */
    private static final class AckReader extends ChannelInboundHandlerAdapter {
        private final PushAckClock acks;

        AckReader(PushAckClock acks) {
            this.acks = acks;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            long now = System.nanoTime();
            DatagramPacket packet = (DatagramPacket) message;
            try {
                var ack = packet.content();
                // PUSH_ACK: protocol version, token (2 bytes), identifier 0x01 (PROTOCOL.TXT section 3.3).
                if (ack.readableBytes() >= 4 && ack.getByte(ack.readerIndex() + 3) == 0x01) {
                    acks.acked(ack.getUnsignedShort(ack.readerIndex() + 1), now);
                }
            } finally {
                packet.release();
            }
        }
    }
}
