package net.lorawanns.core.seal;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;
import net.lorawanns.core.redis.LuaScript;

/**
 * Re-sealing of records under the current master key: a SCAN over a key pattern and a compare-and-set per record
 * ({@link SealedHashFields} for records held in hash fields). A record without a {@code kid}, stored before its kind
 * was sealed, is sealed too. The Redis calls run on the client's event loop.
 */
public final class SealedRecords {
    /** Replaces the value only if nobody changed it since it was read. */
    private static final LuaScript REPLACE = new LuaScript("reseal_replace", """
            if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
            redis.call('SET', KEYS[1], ARGV[2], 'KEEPTTL')
            return 1
            """);
    private static final int SCAN_COUNT = 500;

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
        Promise<Integer> done = Promise.promise();
        scan(redis, "0", pattern, resealOne, 0, done);
        return done.future();
    }

    private static void scan(Redis redis, String cursor, String pattern, Function<String, Future<Integer>> resealOne,
                             int count, Promise<Integer> done) {
        redis.send(Request.cmd(Command.SCAN).arg(cursor).arg("MATCH").arg(pattern).arg("COUNT").arg(SCAN_COUNT))
                .compose(page -> {
                    List<Future<Integer>> batch = new ArrayList<>();
                    for (Response key : page.get(1)) {
                        batch.add(resealOne.apply(key.toString()));
                    }
                    return Future.all(batch).map(all -> {
                        int sum = 0;
                        for (int i = 0; i < all.size(); i++) {
                            sum += all.<Integer>resultAt(i);
                        }
                        return new Object[] {page.get(0).toString(), sum};
                    });
                })
                .onFailure(done::fail)
                .onSuccess(step -> {
                    String next = (String) step[0];
                    int total = count + (int) step[1];
                    if (next.equals("0")) {
                        done.complete(total);
                    } else {
                        scan(redis, next, pattern, resealOne, total, done);
                    }
                });
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
