package net.lorawanns.core.http;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;

/**
 * Reads an HTTP response body of at most a given size. A peer that announces or sends more is cut off: the read
 * fails with {@link BodyTooLargeException} and the request is reset, so that the connection is closed rather
 * than drained, and at most {@code maxBytes} plus one network read are ever held. Runs on the response's context.
 */
public final class BoundedBody {
    private BoundedBody() {
    }

    /** The body, or a failed future ({@link BodyTooLargeException}, or the connection's error). */
    public static Future<Buffer> read(HttpClientResponse response, int maxBytes) {
        Promise<Buffer> body = Promise.promise();
        String announced = response.getHeader("Content-Length");
        if (announced != null && announced.length() < 19 && announced.chars().allMatch(Character::isDigit)
                && Long.parseLong(announced) > maxBytes) {
            cut(response, body, maxBytes);
            return body.future();
        }
        Buffer received = Buffer.buffer();
        response.handler(chunk -> {
            if (body.future().isComplete()) {
                return;
            }
            if (received.length() + chunk.length() > maxBytes) {
                cut(response, body, maxBytes);
                return;
            }
            received.appendBuffer(chunk);
        });
        response.exceptionHandler(body::tryFail);
        response.endHandler(v -> body.tryComplete(received));
        return body.future();
    }

    private static void cut(HttpClientResponse response, Promise<Buffer> body, int maxBytes) {
        body.tryFail(new BodyTooLargeException(maxBytes));
        response.request().reset();
    }

    /** The peer's answer is larger than we read. */
    public static final class BodyTooLargeException extends RuntimeException {
        public BodyTooLargeException(int maxBytes) {
            super("the answer is larger than " + maxBytes + " bytes; cut off unread", null, false, false);
        }
    }
}
