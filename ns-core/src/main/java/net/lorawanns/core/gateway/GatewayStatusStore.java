package net.lorawanns.core.gateway;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.lorawanns.core.redis.LuaScript;
import net.lorawanns.core.redis.RedisKeys;
import net.lorawanns.core.types.Eui64;

/**
 * Gateways' status in Redis, one hash per gateway ({@link RedisKeys#gatewayStatus}): {@code seen} (its last PULL_DATA
 * or status report, Unix ms), {@code until} (its last PULL_DATA plus the offline timeout), {@code stat} (its last
 * status report, JSON) and {@code stat_at} (when that report came, Unix ms). Every instance writes what its own
 * registered gateways send, so that any instance answers for all: a gateway is online while {@code until} is in the
 * future, whichever instance it talks to. The hash expires {@link #RETENTION} after the gateway's last word.
 *
 * <p>Writes are fire and forget: the bridge calls on its event loop, the request is handed to the store's context
 * ({@code writes}) and the bridge goes on at once; a failed write is counted
 * ({@code lorawan.gateway.status.write.failures}) and the next PULL_DATA, 5 to 30 s later, writes again.
 */
public final class GatewayStatusStore implements GatewayStatusRecorder {
    /** How long a silent gateway's last status is kept. */
    static final Duration RETENTION = Duration.ofDays(30);
    /**
     * KEYS[1] the hash; ARGV[1] when (Unix ms), ARGV[2] the field to set ('until' or 'stat'), ARGV[3] its value,
     * ARGV[4] the hash's lifetime (ms). Times only move forward: a late write of another instance does not take back
     * a later one. A report is kept with its time ('stat_at') for that: an older one landing last is dropped.
     */
    private static final LuaScript WRITE = new LuaScript("gateway_status", """
            local seen = tonumber(redis.call('HGET', KEYS[1], 'seen') or '0')
            if tonumber(ARGV[1]) > seen then redis.call('HSET', KEYS[1], 'seen', ARGV[1]) end
            if ARGV[2] == 'until' then
              local was = tonumber(redis.call('HGET', KEYS[1], 'until') or '0')
              if tonumber(ARGV[3]) > was then redis.call('HSET', KEYS[1], 'until', ARGV[3]) end
            else
              local was = tonumber(redis.call('HGET', KEYS[1], 'stat_at') or '0')
              if tonumber(ARGV[1]) > was then redis.call('HSET', KEYS[1], 'stat', ARGV[3], 'stat_at', ARGV[1]) end
            end
            redis.call('PEXPIRE', KEYS[1], ARGV[4])
            return 1""");

    private final Redis redis;
    private final RedisKeys keys;
    private final Duration offlineTimeout;
    private final Context writes;
    private final Counter failures;

    /**
     * @param offlineTimeout {@code gateway.udp.offline_timeout}: a gateway without PULL_DATA for this long is offline
     * @param writes the event loop the writes are sent from (not the bridge's)
     */
    public GatewayStatusStore(Redis redis, RedisKeys keys, Duration offlineTimeout, Context writes,
                              MeterRegistry meters) {
        this.redis = redis;
        this.keys = keys;
        this.offlineTimeout = offlineTimeout;
        this.writes = writes;
        this.failures = Counter.builder("lorawan.gateway.status.write.failures")
                .description("Gateway status writes to Redis that failed (the next PULL_DATA writes again)")
                .register(meters);
    }

    @Override
    public void pulled(Eui64 gateway, Instant at) {
        recordPull(gateway, at);
    }

    @Override
    public void reported(GatewayStats stats, Instant at) {
        recordReport(stats, at);
    }

    /** {@link #pulled}, done when the write is (for tests: the bridge does not wait). */
    Future<Void> recordPull(Eui64 gateway, Instant at) {
        return write(gateway, at, "until", at.plus(offlineTimeout).toEpochMilli());
    }

    /** {@link #reported}, done when the write is (for tests: the bridge does not wait). */
    Future<Void> recordReport(GatewayStats stats, Instant at) {
        return write(stats.gatewayEui(), at, "stat", GatewayStatus.statsJson(stats).encode());
    }

    /** Sends the write from the store's context; a failure is counted, and also fails the future returned. */
    private Future<Void> write(Eui64 gateway, Instant at, String field, Object value) {
        Promise<Void> written = Promise.promise();
        writes.runOnContext(v -> WRITE.run(redis, new String[] {keys.gatewayStatus(gateway)}, at.toEpochMilli(), field,
                value, RETENTION.toMillis()).onFailure(failure -> failures.increment()).<Void>mapEmpty()
                .onComplete(written));
        return written.future();
    }

    /**
     * The status of each gateway, in the order given, as any instance wrote it; {@link GatewayStatus#UNKNOWN} for one
     * never heard of.
     */
    public static Future<Map<Eui64, GatewayStatus>> read(Redis redis, RedisKeys keys, List<Eui64> gateways) {
        List<Future<Response>> reads = new ArrayList<>(gateways.size());
        for (Eui64 gateway : gateways) {
            reads.add(redis.send(Request.cmd(Command.HMGET).arg(keys.gatewayStatus(gateway)).arg("seen").arg("until")
                    .arg("stat")));
        }
        return Future.all(reads).map(all -> {
            Map<Eui64, GatewayStatus> statuses = new LinkedHashMap<>();
            for (int i = 0; i < gateways.size(); i++) {
                Response fields = all.resultAt(i);
                statuses.put(gateways.get(i), new GatewayStatus(instant(fields.get(0)), instant(fields.get(1)),
                        Optional.ofNullable(fields.get(2)).map(stat -> new JsonObject(stat.toBuffer()))));
            }
            return statuses;
        });
    }

    private static Optional<Instant> instant(Response millis) {
        return millis == null ? Optional.empty() : Optional.of(Instant.ofEpochMilli(millis.toLong()));
    }
}
