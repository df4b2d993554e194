package net.lorawanns.joinclient;

import io.vertx.core.Future;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import net.lorawanns.core.redis.LuaScript;
import net.lorawanns.core.redis.RedisKeys;
import net.lorawanns.core.seal.AtRestCipher;
import net.lorawanns.core.seal.SealedRecordException;

/**
 * Takes an asynchronous JoinAns to the instance that sent the JoinReq when the join server POSTs it to another
 * instance of the cluster: the sender notes in Redis, before sending, that it waits for the TransactionID (the key
 * expires with the wait); an instance that receives an answer nobody waits for locally hands it on over Redis
 * pub/sub ({@link RedisKeys#asyncJoinAnswers()}), once, and only while someone waits for it. Every instance subscribes
 * to that channel and passes what it hears to its {@link AsyncAnswers}. A JoinAns may carry session keys (in clear
 * when the join server uses no KEK), so what goes through Redis is sealed under the master key, bound to its
 * TransactionID: neither another subscriber of the channel nor MONITOR sees a key. Safe to use from any thread.
 */
public final class AsyncAnswerRelay {
    /** Deletes the wait and publishes in one step, so that of two instances given the same answer only one hands it on. */
    private static final LuaScript FORWARD = new LuaScript("async_answer_forward", """
            if redis.call('DEL', KEYS[1]) == 1 then
              redis.call('PUBLISH', ARGV[1], ARGV[2])
              return 1
            end
            return 0
            """);

    private final Redis redis;
    private final RedisKeys keys;
    private final AtRestCipher cipher;

    public AsyncAnswerRelay(Redis redis, RedisKeys keys, AtRestCipher cipher) {
        this.redis = redis;
        this.keys = keys;
        this.cipher = cipher;
    }

    /** Notes that this instance waits up to {@code timeout} for the answer of a transaction. */
    Future<Void> waiting(long transactionId, Duration timeout) {
        return redis.send(Request.cmd(Command.SET).arg(keys.asyncJoinAnswer(transactionId)).arg("1")
                .arg("PX").arg(Math.max(1, timeout.toMillis()))).mapEmpty();
    }

    /** Hands an answer on; false when no instance waits for its transaction. */
    Future<Boolean> forward(long transactionId, String joinAns) {
        String sealed = cipher.seal(new JsonObject().put("transaction_id", transactionId),
                joinAns.getBytes(StandardCharsets.UTF_8), kid -> associatedData(transactionId, kid)).encode();
        return FORWARD.run(redis, new String[] {keys.asyncJoinAnswer(transactionId)}, keys.asyncJoinAnswers(), sealed)
                .map(reply -> reply.toInteger() == 1);
    }

    /**
     * The JoinAns of a message another instance handed on.
     *
     * @throws SealedRecordException when it cannot be opened (another master key, or altered)
     * @throws IllegalArgumentException when it is no sealed message at all
     */
    String open(String message) {
        JsonObject record;
        try {
            record = new JsonObject(message);
        } catch (DecodeException e) {
            throw new IllegalArgumentException("not a sealed message", e);
        }
        Long transactionId = record.getLong("transaction_id");
        if (transactionId == null) {
            throw new IllegalArgumentException("no transaction_id");
        }
        return new String(cipher.open(record, associatedData(transactionId, record.getString("kid")),
                "a JoinAns handed on by another instance"), StandardCharsets.UTF_8);
    }

    private static byte[] associatedData(long transactionId, String kid) {
        return ("async-joinans|" + transactionId + "|" + kid).getBytes(StandardCharsets.UTF_8);
    }
}
