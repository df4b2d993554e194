package net.lorawanns.core.redis;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.NetUtil;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.ConnectOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import io.vertx.redis.client.impl.RedisURI;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A pipelined connection to one Redis server (a standalone server, the master Sentinel names, or a Redis Cluster
 * master), owned by one lane: the requests {@link #add added} during one turn go out in one write at
 * {@link #flush()}, behind those written before, without waiting for replies, and each reply is handed to its own
 * request's {@link Reply} in the order written (Redis answers one connection's requests in that order); an error reply
 * is a reply like any other, so it fails nothing but its own request. The Vert.x client's connections do not offer
 * this: each {@code send()} is a write (a system call) of its own, and {@code batch()} fails every request of the batch
 * when one reply is an error. Requests ({@link LaneRequest}) write themselves as RESP into one pooled direct buffer
 * per write, which the socket sends as it is; replies are read from the socket's own buffers by {@link ReplyReader}
 * as the client's {@link Response} objects. No HELLO is sent, so replies come in RESP2, where the pool's connections
 * speak RESP3 (HELLO 3): a hash is a flat array of fields and values, which {@code Response.get(String)} and
 * {@code getKeys()} read as a map all the same, and a Lua script's false is a null either way. The connection's
 * buffers come from Netty's pooled allocator (see the constructor).
 *
 * <p>Scripts: the connection writes a script call whole (EVAL) the first time it writes that script, and by its SHA-1
 * (EVALSHA) after. Redis executes the connection's requests in order and keeps every script it ran, so a call by
 * SHA-1 finds its script unless the server forgot it while the connection stayed open (SCRIPT FLUSH): only then is it
 * answered NOSCRIPT (a restart or a failover ends the connection, and the next one starts over).
 *
 * <p>Threads: opened on the lane's event loop, whose context then runs the socket's handlers; used only there.
 */
final class NodePipeline {
    /** Where the reply to one request goes. Called on the lane's event loop. */
    interface Reply {
        /** Redis answered (an error reply included); {@code reply} is null for RESP's null. */
        void replied(Response reply);

        /** The connection failed or closed before the reply came: Redis may or may not have executed the request. */
        void failed(RedisFailure why);
    }

    /** A reply nobody needs (ASKING's): its request's own reply follows it. */
    static final Reply IGNORED = new Reply() {
        @Override
        public void replied(Response reply) {
        }

        @Override
        public void failed(RedisFailure why) {
        }
    };

    private final String name;
    private final NetSocketInternal socket;
    private final ReplyReader replies = new ReplyReader(this::handle);
    private final ArrayDeque<Reply> waiting = new ArrayDeque<>();
    /** Requests added since the last {@link #flush()}. */
    private final List<LaneRequest> unwritten = new ArrayList<>();
    /** The SHA-1s of the scripts this connection has written whole (see {@link #add}). */
    private final Set<String> scripts = new HashSet<>();
    private long written;
    private long answered;
    private RedisFailure closed;

    private NodePipeline(String name, NetSocket socket) {
        this.name = name;
        this.socket = (NetSocketInternal) socket;
        // Netty's pooled buffers hand the socket the NIO view they keep, where the adaptive allocator (Netty 4.2's
        // default, which the TCP client uses) makes a ByteBuffer slice for every read and every write.
        this.socket.channelHandlerContext().channel().config().setAllocator(PooledByteBufAllocator.DEFAULT);
        this.socket.messageHandler(this::read);
        socket.exceptionHandler(e -> close(new RedisFailure(RedisFailure.Kind.UNAVAILABLE,
                "connection to " + name + " failed: " + RedisFailure.describe(e))));
        socket.closeHandler(v -> close(new RedisFailure(RedisFailure.Kind.UNAVAILABLE,
                "the connection to " + name + " closed")));
    }

    /**
     * Connects to {@code host:port} as {@code uri} says (TLS for {@code rediss://}) and sends {@code hello} first; the
     * pipeline is handed over once Redis accepted every request of it, within {@code timeoutMs} (the TCP client's own
     * connect timeout covers the connection). Call on the lane's event loop.
     *
     * @param name the server in messages, e.g. {@code Redis master 10.0.0.1:6379}
     */
    static Future<NodePipeline> open(NetClient client, RedisURI uri, String host, int port, List<Request> hello,
                                     String name, long timeoutMs) {
        ConnectOptions options = new ConnectOptions().setHost(host).setPort(port).setSsl(uri.ssl());
        // With TLS, the client's options (RedisClients): the server's certificate must name the host. SNI names a
        // host by name only (RFC 6066, section 3), never an address.
        if (uri.ssl() && !NetUtil.isValidIpV4Address(host) && !NetUtil.isValidIpV6Address(host)) {
            options.setSniServerName(host);
        }
        return client.connect(options)
                .compose(socket -> on(name, socket, hello).timeout(timeoutMs, TimeUnit.MILLISECONDS)
                        .onFailure(e -> socket.close()))
                .recover(e -> Future.failedFuture(e instanceof RedisFailure failure ? failure
                        : new RedisFailure(RedisFailure.Kind.UNAVAILABLE, "could not connect to " + name + ": "
                                + RedisFailure.describe(e))));
    }

    /**
     * What a new connection to a server of {@code uri} sends first: AUTH with its credentials and SELECT of its
     * database, as far as it names them.
     */
    static List<Request> hello(RedisURI uri, boolean select) {
        List<Request> hello = new ArrayList<>(2);
        if (uri.password() != null) {
            Request auth = Request.cmd(Command.AUTH);
            if (uri.user() != null) {
                auth.arg(uri.user());
            }
            hello.add(auth.arg(uri.password()));
        }
        if (select && uri.select() != null) {
            hello.add(Request.cmd(Command.SELECT).arg(uri.select()));
        }
        return hello;
    }

    private static Future<NodePipeline> on(String name, NetSocket socket, List<Request> hello) {
        NodePipeline node = new NodePipeline(name, socket);
        if (hello.isEmpty()) {
            return Future.succeededFuture(node);
        }
        Promise<NodePipeline> ready = Promise.promise();
        int[] accepted = new int[1];
        for (Request request : hello) {
            node.add(new ClientRequest(request), new Reply() {
                @Override
                public void replied(Response reply) {
                    if (reply != null && reply.type() == ResponseType.ERROR) {
                        // Redis's own words: an AUTH refusal names no secret.
                        failed(new RedisFailure(RedisFailure.Kind.UNAVAILABLE, name + " refused "
                                + request.command() + ": " + reply));
                    } else if (++accepted[0] == hello.size()) {
                        ready.tryComplete(node);
                    }
                }

                @Override
                public void failed(RedisFailure why) {
                    node.close(why);
                    ready.tryFail(why);
                }
            });
        }
        node.flush();
        return ready.future();
    }

    /** The server in messages. */
    String name() {
        return name;
    }

    /**
     * Queues {@code request} for the next {@link #flush()}; its reply goes to {@code reply}. On a closed pipeline,
     * {@code reply} fails at once. A script call goes whole if this connection has not written its script yet (see the
     * class comment). What is added while the replies of a read are handed on goes out once they all were.
     */
    void add(LaneRequest request, Reply reply) {
        if (closed != null) {
            reply.failed(closed);
            return;
        }
        unwritten.add(request instanceof LuaScript.Call call ? asWritten(call) : request);
        waiting.add(reply);
    }

    /** {@code call} as this connection writes it: whole, the first time it writes the script; else as it is. */
    private LaneRequest asWritten(LuaScript.Call call) {
        return scripts.add(call.sha1()) && call.bySha1() ? call.whole() : call;
    }

    /** Writes the requests added since the last flush, in one buffer and one write. */
    void flush() {
        if (unwritten.isEmpty() || closed != null) {
            unwritten.clear();
            return;
        }
        int length = 0;
        for (int i = 0, n = unwritten.size(); i < n; i++) {
            length += unwritten.get(i).length();
        }
        // Netty releases the buffer once written (or when the write fails).
        ByteBuf out = socket.channelHandlerContext().alloc().directBuffer(length, length);
        try {
            for (int i = 0, n = unwritten.size(); i < n; i++) {
                unwritten.get(i).write(out);
            }
        } catch (RuntimeException e) {
            out.release();
            throw e;
        }
        written += unwritten.size();
        unwritten.clear();
        // Straight to the channel, without a promise per write: a failed write reaches the exception handler.
        ChannelHandlerContext channel = socket.channelHandlerContext();
        channel.writeAndFlush(out, channel.voidPromise());
    }

    /**
     * How many requests were written or added so far (one sent again while a read's replies are handed on waits for
     * the end of the read; it goes out before anything added later): a mark to compare with {@link #owes(long)}.
     */
    long written() {
        return written + unwritten.size();
    }

    /** Whether a reply is still owed for a request written or added before {@code mark} (a {@link #written()}). */
    boolean owes(long mark) {
        return closed == null && answered < mark;
    }

    /** Reads the replies in what the socket received (a buffer, released here). */
    private void read(Object received) {
        if (!(received instanceof ByteBuf bytes)) {
            ReferenceCountUtil.release(received);
            return;
        }
        if (closed != null) {
            bytes.release();
            return;
        }
        try {
            replies.read(bytes);
        } catch (ReplyReader.UnreadableReply e) {
            close(new RedisFailure(RedisFailure.Kind.UNAVAILABLE, "unreadable reply from " + name + ": "
                    + e.getMessage()));
        } catch (Throwable e) {
            // The rest of this read is lost: the replies still owed can no longer be matched with their requests.
            close(new RedisFailure(RedisFailure.Kind.UNAVAILABLE, "a reply from " + name + " could not be handed on: "
                    + RedisFailure.describe(e)));
            if (e instanceof VirtualMachineError fatal) {
                throw fatal;
            }
        }
        // What the replies added (a script call answered NOSCRIPT, sent again), in one write.
        flush();
    }

    private void handle(Response reply) {
        if (closed != null) {
            return;
        }
        Reply request = waiting.poll();
        if (request == null) {
            close(new RedisFailure(RedisFailure.Kind.UNAVAILABLE, name + " sent a reply no request was waiting for"));
            return;
        }
        answered++;
        request.replied(reply);
    }

    /** Closes the connection; every request still waiting fails with {@code why}, in the order written. */
    void close(RedisFailure why) {
        if (closed != null) {
            return;
        }
        closed = why;
        unwritten.clear();
        socket.close();
        for (Reply request = waiting.poll(); request != null; request = waiting.poll()) {
            request.failed(why);
        }
    }

    boolean isClosed() {
        return closed != null;
    }
}
