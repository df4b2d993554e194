package net.lorawanns.core.seal;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.Function;
import net.lorawanns.core.redis.KeyScan;
import net.lorawanns.core.redis.LuaScript;

/**
 * Re-sealing of records under the current master key: a SCAN over a key pattern on every master ({@link KeyScan})
 * and a compare-and-set per record ({@link SealedHashFields} for records held in hash fields). A record without a
 * {@code kid}, stored before its kind was sealed, is sealed too. The Redis calls run on the client's event loop.
 */
public final class SealedRecords {
    /** Replaces the value only if nobody changed it since it was read. */
    private static final LuaScript REPLACE = new LuaScript("reseal_replace", """
            if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
            redis.call('SET', KEYS[1], ARGV[2], 'KEEPTTL')
            return 1
            """);

    private SealedRecords() {
    }

    /**
     * Re-seals every record matching {@code pattern} whose {@code kid} is not the current one.
     *
     * @param reseal opens a record (by its Redis key) and seals it again under the current key
     */
    public static Future<Integer> rotate(Redis redis, String pattern, AtRestCipher cipher,
                                         BiFunction<String, JsonObject, JsonObject> reseal) {
        return rotate(redis, pattern, key -> resealOne(redis, key, cipher, reseal));
    }

    /** Applies {@code resealOne} to every key matching {@code pattern}; the sum of the counts it gives. */
    static Future<Integer> rotate(Redis redis, String pattern, Function<String, Future<Integer>> resealOne) {
        AtomicInteger count = new AtomicInteger();
        return KeyScan.forEachPage(redis, pattern, page -> Future.all(page.stream()
                        .map(key -> resealOne.apply(key).onSuccess(count::addAndGet)).toList()))
                .map(v -> count.get());
    }

    private static Future<Integer> resealOne(Redis redis, String key, AtRestCipher cipher,
                                             BiFunction<String, JsonObject, JsonObject> reseal) {
        return redis.send(Request.cmd(Command.GET).arg(key)).compose(value -> {
            if (value == null) {
                return Future.succeededFuture(0);
            }
            String old = value.toString();
            JsonObject record = new JsonObject(old);
            if (cipher.currentId().equals(record.getString("kid"))) {
                return Future.succeededFuture(0);
            }
            String fresh = reseal.apply(key, record).encode();
            return REPLACE.run(redis, new String[] {key}, old, fresh).map(Response::toInteger);
        });
    }
}
