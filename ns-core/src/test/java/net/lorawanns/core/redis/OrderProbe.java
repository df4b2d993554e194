package net.lorawanns.core.redis;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Whether requests sent one after the other from one event loop are executed in that order: RPUSH 0, 1, 2, ...
 * onto a list, each in an event-loop turn of its own (so each in a batch of its own), then the list as Redis has it.
 */
final class OrderProbe {
    private OrderProbe() {
    }

    /**
     * Sends the pushes on {@code context}; completes once all are sent (not answered), so that the caller can let a
     * stalled Redis go on.
     */
    static Future<List<Future<Response>>> push(Context context, Redis redis, String list, int count) {
        Promise<List<Future<Response>>> sent = Promise.promise();
        context.runOnContext(v -> pushFrom(context, redis, list, 0, count, new ArrayList<>(), sent));
        return sent.future();
    }

    private static void pushFrom(Context context, Redis redis, String list, int i, int count,
                                 List<Future<Response>> pushes, Promise<List<Future<Response>>> sent) {
        if (i == count) {
            sent.complete(pushes);
            return;
        }
        pushes.add(redis.send(Request.cmd(Command.RPUSH).arg(list).arg(i)));
        context.runOnContext(v -> pushFrom(context, redis, list, i + 1, count, pushes, sent));
    }

    /** The list's elements in Redis's order, once every push was answered. */
    static Future<List<Integer>> order(Redis redis, String list, List<Future<Response>> pushes) {
        return Future.all(pushes).compose(all -> redis.send(Request.cmd(Command.LRANGE).arg(list).arg(0).arg(-1)))
                .map(values -> {
                    List<Integer> order = new ArrayList<>();
                    values.forEach(value -> order.add(value.toInteger()));
                    return order;
                });
    }

    /** 0, 1, ..., count - 1. */
    static List<Integer> sent(int count) {
        return IntStream.range(0, count).boxed().toList();
    }
}
