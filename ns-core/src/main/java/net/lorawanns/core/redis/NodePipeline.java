package net.lorawanns.core.redis;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import io.vertx.redis.client.impl.ParserHandler;
import io.vertx.redis.client.impl.RESPParser;
import io.vertx.redis.client.impl.RequestImpl;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * A pipelined connection to one Redis Cluster master, owned by one lane: the requests of one {@link #write} go out in
 * one write, behind those written before, without waiting for replies, and each reply completes its own request in
 * the order written (Redis answers one connection's requests in that order); an error reply is a reply like any
 * other, so it fails nothing but its own request. The Vert.x client's connections do not offer this: each
 * {@code send()} is a write (a system call) of its own, and {@code batch()} fails every request of the batch when one
 * reply is an error. The request encoding and the reply parser are the client's ({@link RequestImpl},
 * {@link RESPParser}), so requests and replies are the same objects as everywhere else.
 *
 * <p>Threads: opened on the lane's event loop, whose context then runs the socket's handlers; used only there.
 */
final class NodePipeline implements ParserHandler {
    /** Replies nest arrays this deep at most (the Vert.x client's default). */
    private static final int MAX_NESTED_ARRAYS = 32;

    private final String endpoint;
    private final NetSocket socket;
    private final RESPParser parser = new RESPParser(this, MAX_NESTED_ARRAYS);
    private final ArrayDeque<Promise<Response>> waiting = new ArrayDeque<>();
    private long written;
    private long answered;
    private RedisFailure closed;

    private NodePipeline(String endpoint, NetSocket socket) {
        this.endpoint = endpoint;
        this.socket = socket;
        socket.handler(parser);
        socket.exceptionHandler(e -> close(new RedisFailure(RedisFailure.Kind.UNAVAILABLE,
                "connection to Redis Cluster master " + endpoint + " failed: " + RedisFailure.describe(e))));
        socket.closeHandler(v -> close(new RedisFailure(RedisFailure.Kind.UNAVAILABLE,
                "the connection to Redis Cluster master " + endpoint + " closed")));
    }

    /**
     * A pipeline on a connected socket; {@code hello} (authentication), if any, is its first request, and the
     * pipeline is handed over once Redis accepted it.
     */
    static Future<NodePipeline> on(String endpoint, NetSocket socket, List<Request> hello) {
        NodePipeline node = new NodePipeline(endpoint, socket);
        if (hello.isEmpty()) {
            return Future.succeededFuture(node);
        }
        List<Future<Response>> replies = node.write(hello);
        return Future.join(replies).transform(all -> {
            for (int i = 0; i < hello.size(); i++) {
                Future<Response> reply = replies.get(i);
                if (reply.failed() || reply.result() != null && reply.result().type() == ResponseType.ERROR) {
                    node.close(new RedisFailure(RedisFailure.Kind.UNAVAILABLE, "Redis Cluster master " + endpoint
                            + " refused " + hello.get(i).command() + ": "
                            + (reply.failed() ? RedisFailure.describe(reply.cause()) : reply.result())));
                    return Future.failedFuture(node.closed);
                }
            }
            return Future.succeededFuture(node);
        });
    }

    String endpoint() {
        return endpoint;
    }

    /** Writes the requests in one write; the futures complete with their replies, in order. */
    List<Future<Response>> write(List<Request> requests) {
        List<Future<Response>> replies = new ArrayList<>(requests.size());
        if (closed != null) {
            requests.forEach(r -> replies.add(Future.failedFuture(closed)));
            return replies;
        }
        Buffer out = Buffer.buffer(64 * requests.size());
        for (Request request : requests) {
            out.appendBuffer(((RequestImpl) request).encode());
            Promise<Response> reply = Promise.promise();
            waiting.add(reply);
            replies.add(reply.future());
        }
        written += requests.size();
        socket.write(out).onFailure(e -> close(new RedisFailure(RedisFailure.Kind.UNAVAILABLE,
                "writing to Redis Cluster master " + endpoint + " failed: " + RedisFailure.describe(e))));
        return replies;
    }

    /** How many requests were written so far: a mark to compare with {@link #owes(long)}. */
    long written() {
        return written;
    }

    /** Whether a reply is still owed for a request written before {@code mark} (a {@link #written()}). */
    boolean owes(long mark) {
        return closed == null && answered < mark;
    }

    @Override
    public void handle(Response reply) {
        Promise<Response> request = waiting.poll();
        if (request == null) {
            close(new RedisFailure(RedisFailure.Kind.UNAVAILABLE, "Redis Cluster master " + endpoint
                    + " sent a reply no request was waiting for"));
            return;
        }
        answered++;
        request.complete(reply);
    }

    @Override
    public void fail(Throwable unreadable) {
        close(new RedisFailure(RedisFailure.Kind.UNAVAILABLE, "unreadable reply from Redis Cluster master "
                + endpoint + ": " + RedisFailure.describe(unreadable)));
    }

    /** Closes the connection; every request still waiting fails with {@code why}. */
    void close(RedisFailure why) {
        if (closed != null) {
            return;
        }
        closed = why;
        socket.close();
        for (Promise<Response> request = waiting.poll(); request != null; request = waiting.poll()) {
            request.fail(why);
        }
    }

    boolean isClosed() {
        return closed != null;
    }
}
