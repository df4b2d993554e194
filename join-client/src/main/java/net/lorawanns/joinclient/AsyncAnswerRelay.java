package net.lorawanns.joinclient;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.time.Duration;
import net.lorawanns.core.redis.LuaScript;
import net.lorawanns.core.redis.RedisKeys;

/**
 * Takes an asynchronous JoinAns to the instance that sent the JoinReq when the join server POSTs it to another
 * instance of the cluster: the sender notes in Redis, before sending, that it waits for the TransactionID (the key
 * expires with the wait); an instance that receives an answer nobody waits for locally hands it on over Redis
 * pub/sub ({@link RedisKeys#asyncJoinAnswers()}), once, and only while someone waits for it. Every instance subscribes
 * to that channel and passes what it hears to its {@link AsyncAnswers}. Safe to use from any thread.
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

    public AsyncAnswerRelay(Redis redis, RedisKeys keys) {
        this.redis = redis;
        this.keys = keys;
    }

    /** Notes that this instance waits up to {@code timeout} for the answer of a transaction. */
    Future<Void> waiting(long transactionId, Duration timeout) {
        return redis.send(Request.cmd(Command.SET).arg(keys.asyncJoinAnswer(transactionId)).arg("1")
                .arg("PX").arg(Math.max(1, timeout.toMillis()))).mapEmpty();
    }

    /** Hands an answer on; false when no instance waits for its transaction. */
    Future<Boolean> forward(long transactionId, String joinAns) {
        return FORWARD.run(redis, new String[] {keys.asyncJoinAnswer(transactionId)}, keys.asyncJoinAnswers(), joinAns)
                .map(reply -> reply.toInteger() == 1);
    }
}
