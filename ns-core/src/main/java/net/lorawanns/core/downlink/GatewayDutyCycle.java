package net.lorawanns.core.downlink;

import io.vertx.core.Future;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Response;
import java.util.Optional;
import net.lorawanns.core.redis.LuaScript;
import net.lorawanns.core.redis.RedisKeys;
import net.lorawanns.core.region.DutyCycle;
import net.lorawanns.core.region.Region;
import net.lorawanns.core.types.Eui64;

/**
 * Each gateway's time on air per duty-cycle sub-band of its region, over a sliding hour (ETSI EN 300 220 observes
 * the duty cycle over one hour), shared by every instance through Redis. The hour is kept as minute buckets; a
 * transmission is admitted when the last 61 buckets (the current minute and the 60 before: at least the last full
 * hour, so never under-counted) plus it stay within the sub-band's share of an hour. The check and the reservation
 * are one Lua script, so two instances transmitting through one gateway at once cannot both take the last of it. A
 * reservation whose transmission the gateway refused is given back. Any thread: every call is one Redis request.
 */
public final class GatewayDutyCycle {
    /** 1 when admitted, 0 when not; then the microseconds counted (with this transmission when admitted). */
    private static final LuaScript ADMIT = new LuaScript("gateway_duty_cycle", """
            local now = tonumber(ARGV[1])
            local oldest = now - tonumber(ARGV[4]) + 1
            local used = 0
            local buckets = redis.call('HGETALL', KEYS[1])
            for i = 1, #buckets, 2 do
              if tonumber(buckets[i]) < oldest then
                redis.call('HDEL', KEYS[1], buckets[i])
              else
                used = used + tonumber(buckets[i + 1])
              end
            end
            local airtime = tonumber(ARGV[2])
            if used + airtime > tonumber(ARGV[3]) then return {0, used} end
            redis.call('HINCRBY', KEYS[1], ARGV[1], airtime)
            redis.call('PEXPIRE', KEYS[1], ARGV[5])
            return {1, used + airtime}
            """);
    /** Gives a reservation back, unless its bucket is already gone. */
    private static final LuaScript RELEASE = new LuaScript("gateway_duty_cycle_release", """
            if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then
              redis.call('HINCRBY', KEYS[1], ARGV[1], -tonumber(ARGV[2]))
            end
            return 1
            """);
    private static final long MINUTE_MILLIS = 60_000;
    private static final int COUNTED_MINUTES = 61;
    private static final long HOUR_MICROS = 3_600_000_000L;
    private static final long TTL_MILLIS = (COUNTED_MINUTES + 1) * MINUTE_MILLIS;

    /** Whether a transmission may go out; a reservation to give back if it was admitted and then not sent. */
    public record Admission(boolean admitted, long usedMicros, long limitMicros, Optional<Reservation> reservation) {
        static Admission unlimited() {
            return new Admission(true, 0, Long.MAX_VALUE, Optional.empty());
        }
    }

    /** Time on air counted in one minute bucket of one gateway's sub-band. */
    public record Reservation(String key, long minute, long airtimeMicros) {
    }

    private final Redis redis;
    private final RedisKeys keys;
    private final boolean enabled;

    /** @param enabled {@code network.gateway_duty_cycle}: when false, everything is admitted and nothing counted */
    public GatewayDutyCycle(Redis redis, RedisKeys keys, boolean enabled) {
        this.redis = redis;
        this.keys = keys;
        this.enabled = enabled;
    }

    /**
     * Admits and counts {@code airtimeMicros} on {@code frequencyHz} through {@code gateway} at {@code nowMillis}
     * (epoch), when the gateway's region limits that frequency's sub-band. Fails only when Redis does.
     */
    public Future<Admission> admit(Eui64 gateway, Region region, long frequencyHz, long airtimeMicros,
                                   long nowMillis) {
        Optional<DutyCycle.Limit> limit = enabled ? region.dutyCycle().limitAt(frequencyHz) : Optional.empty();
        if (limit.isEmpty()) {
            return Future.succeededFuture(Admission.unlimited());
        }
        String key = keys.gatewayAirtime(gateway, limit.get().fromHz());
        long limitMicros = (long) (HOUR_MICROS * limit.get().percent() / 100);
        long minute = Math.floorDiv(nowMillis, MINUTE_MILLIS);
        return ADMIT.run(redis, new String[] {key}, minute, airtimeMicros, limitMicros, COUNTED_MINUTES, TTL_MILLIS)
                .map(reply -> admission(reply, key, minute, airtimeMicros, limitMicros));
    }

    /** Gives back a reservation whose transmission did not take place. */
    public Future<Void> release(Reservation reservation) {
        return RELEASE.run(redis, new String[] {reservation.key()}, reservation.minute(), reservation.airtimeMicros())
                .mapEmpty();
    }

    private static Admission admission(Response reply, String key, long minute, long airtimeMicros,
                                       long limitMicros) {
        boolean admitted = reply.get(0).toInteger() == 1;
        return new Admission(admitted, reply.get(1).toLong(), limitMicros,
                admitted ? Optional.of(new Reservation(key, minute, airtimeMicros)) : Optional.empty());
    }
}
