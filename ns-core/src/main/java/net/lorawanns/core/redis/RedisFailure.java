package net.lorawanns.core.redis;

import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import java.util.concurrent.TimeoutException;

/** Why a Redis request failed, in the few kinds the pipeline counts and reacts to. */
public final class RedisFailure extends RuntimeException {
    /** The kinds of failure. */
    public enum Kind {
        /** Redis answered with an error reply; only this request failed. */
        ERROR_REPLY,
        /** No answer within {@code redis.request_timeout}; Redis may still execute the request. */
        TIMEOUT,
        /** Too many requests were waiting for an answer; this one was not sent. */
        OVERLOAD,
        /** No connection to Redis; the request was not sent, or its connection broke. */
        UNAVAILABLE,
        /** Redis executed the write, but fewer replicas than {@code redis.min_replicas_acked} acknowledged it. */
        NOT_REPLICATED
    }

    private final Kind kind;

    public RedisFailure(Kind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    /** A replica's refusal of a write: the connection reaches a server that is no longer the master. */
    boolean isReadOnly() {
        return kind == Kind.ERROR_REPLY && getMessage() != null && getMessage().startsWith("READONLY");
    }

    /** The kind of any failure the Vert.x client reports. */
    public static RedisFailure of(Throwable error) {
        if (error instanceof RedisFailure failure) {
            return failure;
        }
        if (error instanceof TimeoutException) {
            return new RedisFailure(Kind.TIMEOUT, describe(error));
        }
        if (error instanceof Response reply && reply.type() == ResponseType.ERROR) {
            String message = reply.toString();
            // The Vert.x client reports a closed connection and an unreadable reply in the form of error replies.
            boolean clientSide = message.startsWith("CONNECTION_CLOSED") || message.startsWith("ILLEGAL_STATE");
            return new RedisFailure(clientSide ? Kind.UNAVAILABLE : Kind.ERROR_REPLY, message);
        }
        return new RedisFailure(Kind.UNAVAILABLE, describe(error));
    }

    /** A one-line description of a failure's cause. */
    static String describe(Throwable error) {
        if (error == null) {
            return "unknown cause";
        }
        String message = error.getMessage();
        String described = message == null || message.isBlank() ? error.getClass().getSimpleName() : message;
        // The root cause says why (a TLS handshake's "Failed to create SSL connection" hides the certificate's fault).
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String rootMessage = root == error ? null : root.getMessage();
        return rootMessage == null || rootMessage.isBlank() || described.contains(rootMessage) ? described
                : described + ": " + rootMessage;
    }
}
