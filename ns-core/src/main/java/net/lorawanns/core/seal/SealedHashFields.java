package net.lorawanns.core.seal;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Predicate;
import net.lorawanns.core.redis.LuaScript;

/**
 * Re-sealing of records held in fields of hashes (device sessions), through the same SCAN as {@link SealedRecords}.
 * Safe while servers run: a field is replaced only if nobody changed it since it was read, and the hash's other
 * fields (counters) and its TTL are left alone.
 */
public final class SealedHashFields {
    /** Replaces one field only if unchanged; HSET keeps the hash's TTL. */
    private static final LuaScript REPLACE_FIELD = new LuaScript("reseal_replace_field", """
            if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end
            redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
            return 1
            """);

    private SealedHashFields() {
    }

    /**
     * Re-seals the records in {@code fields} of every hash matching {@code pattern} that are not {@code current}.
     *
     * @param current whether a stored record is sealed under the current key, in the current form
     * @param reseal opens a record (by its hash's Redis key) and seals it again under the current key
     * @return the count of fields re-sealed
     */
    public static Future<Integer> rotate(Redis redis, String pattern, List<String> fields, Predicate<byte[]> current,
                                         BiFunction<String, byte[], byte[]> reseal) {
        return SealedRecords.rotate(redis, pattern, key -> {
            List<Future<Integer>> each = new ArrayList<>(fields.size());
            for (String field : fields) {
                each.add(resealField(redis, key, field, current, reseal));
            }
            return Future.all(each).map(all -> {
                int sum = 0;
                for (int i = 0; i < all.size(); i++) {
                    sum += all.<Integer>resultAt(i);
                }
                return sum;
            });
        });
    }

    private static Future<Integer> resealField(Redis redis, String key, String field, Predicate<byte[]> current,
                                               BiFunction<String, byte[], byte[]> reseal) {
        return redis.send(Request.cmd(Command.HGET).arg(key).arg(field)).compose(value -> {
            if (value == null) {
                return Future.succeededFuture(0);
            }
            byte[] old = value.toBytes();
            if (current.test(old)) {
                return Future.succeededFuture(0);
            }
            byte[] fresh = reseal.apply(key, old);
            return REPLACE_FIELD.run(redis, new String[] {key}, field, old, fresh).map(Response::toInteger);
        });
    }
}
