package net.lorawanns.core.redis;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.RedisRole;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.List;
import java.util.function.Consumer;
import net.lorawanns.config.RedisSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A subscription to one Redis pub/sub channel, on a connection of its own: a subscribed connection can send
 * nothing else, so it is never one of the shared client's. Redis Cluster forwards every message to every node,
 * so on a Cluster it subscribes at one node and moves to the next when that one fails; with Sentinel it follows
 * the master. When the connection is lost it reconnects with backoff; the messages published meanwhile are lost,
 * so {@code resubscribed} runs after every subscription after the first, for the caller to catch up. Everything
 * runs on the event loop of the context that called {@link #start}.
 */
public final class RedisSubscription {
    private static final Logger LOG = LoggerFactory.getLogger(RedisSubscription.class);
    private static final long FIRST_RETRY_MS = 500;
    private static final long MAX_RETRY_MS = 10_000;

    private final Vertx vertx;
    private final RedisSettings settings;
    private final List<String> urls;
    private final String channel;
    private final Consumer<String> onMessage;
    private final Runnable resubscribed;
    private Context context;
    private Redis client;
    private RedisConnection connection;
    private int node;
    private long retryMs = FIRST_RETRY_MS;
    private boolean subscribedBefore;
    private boolean closed;

    private RedisSubscription(Vertx vertx, RedisSettings settings, List<String> urls, String channel,
                              Consumer<String> onMessage, Runnable resubscribed) {
        this.vertx = vertx;
        this.settings = settings;
        this.urls = List.copyOf(urls);
        this.channel = channel;
        this.onMessage = onMessage;
        this.resubscribed = resubscribed;
    }

    /**
     * Subscribes; the future completes once the first subscription is in place or fails if it could not be made
     * (the subscription keeps trying in either case until closed).
     *
     * @param onMessage called with each message's payload
     * @param resubscribed called after the subscription was lost and made again
     */
    public static Future<RedisSubscription> start(Vertx vertx, RedisSettings settings, List<String> urls,
                                                  String channel, Consumer<String> onMessage, Runnable resubscribed) {
        RedisSubscription subscription = new RedisSubscription(vertx, settings, urls, channel, onMessage, resubscribed);
        Promise<RedisSubscription> first = Promise.promise();
        Context context = vertx.getOrCreateContext();
        subscription.context = context;
        context.runOnContext(v -> subscription.subscribe().onComplete(done -> {
            if (done.succeeded()) {
                first.complete(subscription);
            } else {
                first.fail(done.cause());
            }
        }));
        return first.future();
    }

    private Future<Void> subscribe() {
        client = Redis.createClient(vertx, options());
        return client.connect().compose(connected -> {
            connection = connected;
            connected.handler(this::message);
            connected.exceptionHandler(e -> lost(connected, e.toString()));
            connected.endHandler(v -> lost(connected, "connection closed"));
            return connected.send(Request.cmd(Command.SUBSCRIBE).arg(channel));
        }).<Void>mapEmpty().onSuccess(v -> {
            retryMs = FIRST_RETRY_MS;
            if (subscribedBefore) {
                LOG.info("Subscribed again to Redis channel {}", channel);
                resubscribed.run();
            }
            subscribedBefore = true;
        }).onFailure(e -> {
            LOG.warn("Cannot subscribe to Redis channel {} (retrying): {}", channel, e.toString());
            retry();
        });
    }

    private RedisOptions options() {
        RedisOptions options = new RedisOptions().setMaxPoolSize(1).setMaxPoolWaiting(1);
        switch (settings.modeValue()) {
            case SENTINEL -> {
                urls.forEach(options::addConnectionString);
                options.setType(RedisClientType.SENTINEL).setMasterName(settings.masterName()).setRole(RedisRole.MASTER);
            }
            case STANDALONE, CLUSTER -> options.setType(RedisClientType.STANDALONE)
                    .setConnectionString(urls.get(node % urls.size()));
        }
        return options;
    }

    private void message(Response push) {
        // ["message", channel, payload] (RESP2 array, RESP3 push); the subscription's own confirmation is not one.
        if (push.size() == 3 && "message".equals(push.get(0).toString())) {
            onMessage.accept(push.get(2).toString());
        }
    }

    private void lost(RedisConnection which, String why) {
        if (which != connection || closed) {
            return;
        }
        LOG.warn("Subscription to Redis channel {} lost ({}); reconnecting", channel, why);
        connection = null;
        retry();
    }

    private void retry() {
        Redis failed = client;
        client = null;
        connection = null;
        if (failed != null) {
            failed.close();
        }
        if (closed) {
            return;
        }
        node++;
        long delay = retryMs;
        retryMs = Math.min(MAX_RETRY_MS, retryMs * 2);
        vertx.setTimer(delay, t -> {
            if (!closed) {
                subscribe();
            }
        });
    }

    /** Unsubscribes for good. */
    public Future<Void> close() {
        Promise<Void> done = Promise.promise();
        context.runOnContext(v -> {
            closed = true;
            connection = null;
            if (client != null) {
                client.close();
                client = null;
            }
            done.complete();
        });
        return done.future();
    }
}
