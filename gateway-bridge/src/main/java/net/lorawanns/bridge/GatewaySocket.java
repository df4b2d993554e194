package net.lorawanns.bridge;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bridge's UDP socket, a Netty channel on the bridge's event loop, read and written in batches: with the epoll
 * transport a system call (recvmmsg) reads up to {@link #DATAGRAMS_PER_CALL} datagrams, and the replies written while
 * a batch is handled (PUSH_ACK, PULL_ACK) leave together when it is done (sendmmsg). Vert.x's own datagram socket
 * reads one datagram per wake-up and writes each reply on its own.
 *
 * <p>Threads: the receiver runs on the bridge's context; {@link #reply} is called there only, {@link #send} from
 * any thread.
 */
final class GatewaySocket {
    private static final Logger LOG = LoggerFactory.getLogger(GatewaySocket.class);
    /**
     * The largest datagram read whole. The Semtech packet forwarder's largest is about 4.6 KB (8 rxpk of 540 bytes
     * and a status report, TX_BUFF_SIZE in lora_pkt_fwd.c): this leaves room for forwarders that send more.
     */
    static final int MAX_DATAGRAM = 8 * 1024;
    private static final int DATAGRAMS_PER_CALL = 8;
    /** Datagrams read in one turn of the event loop before other work gets its turn. */
    private static final int DATAGRAMS_PER_TURN = 64;
    /**
     * The kernel queue must absorb bursts and scheduling gaps (Linux caps SO_RCVBUF at net.core.rmem_max, often
     * 208 KiB, and doubles it).
     */
    private static final int KERNEL_RECEIVE_BUFFER = 4 * 1024 * 1024;

    /** What the socket hands over: a datagram's bytes and its sender. */
    interface Receiver {
        /**
         * @param data the datagram in {@code data[0, length)}, valid during the call only: the array is the socket's,
         *             and holds the next datagram once the call returns (what outlives the call copies its part)
         * @param truncated the datagram was longer than {@link #MAX_DATAGRAM} and only its start was read
         */
        void datagram(byte[] data, int length, InetSocketAddress sender, boolean truncated);
    }

    private final DatagramChannel channel;

    private GatewaySocket(DatagramChannel channel) {
        this.channel = channel;
    }

    /**
     * Binds the socket; the receiver runs on {@code context}, an event-loop context (the socket's event loop runs
     * the receiver itself, so that the array it hands over can be reused).
     */
    static Future<GatewaySocket> bind(ContextInternal context, String host, int port, Receiver receiver) {
        if (!context.isEventLoopContext()) {
            return context.failedFuture(new IllegalArgumentException("the gateway socket needs an event-loop context"));
        }
        VertxInternal vertx = context.owner();
        DatagramChannel channel = vertx.transport().datagramChannel();
        channel.config().setOption(ChannelOption.SO_RCVBUF, KERNEL_RECEIVE_BUFFER);
        // recvmmsg reads into a buffer of DATAGRAMS_PER_CALL slots of MAX_DATAGRAM bytes; other transports read one
        // datagram per call into a buffer of MAX_DATAGRAM bytes.
        boolean scattering = channel.config().setOption(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, MAX_DATAGRAM);
        int readBuffer = scattering ? MAX_DATAGRAM * DATAGRAMS_PER_CALL : MAX_DATAGRAM;
        channel.config().setRecvByteBufAllocator(new FixedRecvByteBufAllocator(readBuffer)
                .maxMessagesPerRead(DATAGRAMS_PER_TURN));
        channel.pipeline().addLast(new Handler(context, receiver));
        Promise<GatewaySocket> bound = context.promise();
        context.nettyEventLoop().register(channel).addListener(registered -> {
            if (!registered.isSuccess()) {
                bound.fail(registered.cause());
                return;
            }
            channel.bind(new InetSocketAddress(host, port)).addListener((ChannelFuture done) -> {
                if (done.isSuccess()) {
                    LOG.debug("UDP socket: kernel receive buffer {} bytes, {}", channel.config().getReceiveBufferSize(),
                            scattering ? "recvmmsg" : "one datagram per read");
                    bound.complete(new GatewaySocket(channel));
                } else {
                    channel.close();
                    bound.fail(done.cause());
                }
            });
        });
        return bound.future();
    }

    int port() {
        return channel.localAddress().getPort();
    }

    /** Queues a reply; it leaves with the others of the batch being handled. On the bridge's event loop only. */
    void reply(byte[] datagram, InetSocketAddress to) {
        channel.write(packet(datagram, to), channel.voidPromise());
    }

    /** Sends a datagram now. Any thread. */
    Future<Void> send(byte[] datagram, InetSocketAddress to) {
        Promise<Void> sent = Promise.promise();
        channel.writeAndFlush(packet(datagram, to)).addListener(done -> {
            if (done.isSuccess()) {
                sent.complete();
            } else {
                sent.fail(done.cause());
            }
        });
        return sent.future();
    }

    Future<Void> close() {
        Promise<Void> closed = Promise.promise();
        channel.close().addListener(done -> closed.complete());
        return closed.future();
    }

    private DatagramPacket packet(byte[] datagram, InetSocketAddress to) {
        ByteBuf content = channel.alloc().directBuffer(datagram.length).writeBytes(datagram);
        return new DatagramPacket(content, to);
    }

    /**
     * Copies each datagram out of Netty's buffer into one array kept for the next, hands it over on the context, and
     * flushes replies per batch. On the bridge's event loop only.
     */
    private static final class Handler extends ChannelInboundHandlerAdapter {
        private final ContextInternal context;
        private final Receiver receiver;
        private final io.vertx.core.Handler<DatagramPacket> deliver = this::deliver;
        private final byte[] data = new byte[MAX_DATAGRAM];

        Handler(ContextInternal context, Receiver receiver) {
            this.context = context;
            this.receiver = receiver;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            DatagramPacket packet = (DatagramPacket) message;
            try {
                // The receiver runs before emit returns (this is the context's event loop).
                context.emit(packet, deliver);
            } finally {
                packet.release();
            }
        }

        private void deliver(DatagramPacket packet) {
            ByteBuf content = packet.content();
            int length = Math.min(content.readableBytes(), MAX_DATAGRAM);
            content.getBytes(content.readerIndex(), data, 0, length);
            // A datagram that fills its slot may have been cut there (recvmmsg does not say).
            receiver.datagram(data, length, packet.sender(), length >= MAX_DATAGRAM);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.warn("UDP socket error: {}", cause.toString());
        }
    }
}
