package net.lorawanns.core.redis;

import io.vertx.core.Future;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A client whose every request and batch fails with a {@link RedisFailure} when not answered within its deadline. */
final class DeadlineRedis implements Redis {
    private final Redis client;
    private final long timeoutMs;

    DeadlineRedis(Redis client, long timeoutMs) {
        this.client = client;
        this.timeoutMs = timeoutMs;
    }

    @Override
    public Future<Response> send(Request request) {
        return client.send(request).timeout(timeoutMs, TimeUnit.MILLISECONDS)
                .recover(e -> Future.failedFuture(RedisFailure.of(e)));
    }

    @Override
    public Future<List<Response>> batch(List<Request> requests) {
        return client.batch(requests).timeout(timeoutMs, TimeUnit.MILLISECONDS)
                .recover(e -> Future.failedFuture(RedisFailure.of(e)));
    }

    @Override
    public Future<RedisConnection> connect() {
        return client.connect();
    }

    @Override
    public Future<Void> close() {
        return client.close();
    }
}
