package net.lorawanns.core.device;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.lorawanns.core.redis.LuaScript;
import net.lorawanns.core.redis.RedisKeys;
import net.lorawanns.core.types.Eui64;

/**
 * The index of devices by application: per application one sorted set whose members all score 0, so that it is read
 * in member order from any member on; each member is a DevEUI, {@code ':'} and the generation of the device write that
 * listed it (the generations of {@link ProfileReferences}, which order every write and deletion of a device record).
 * One key per application, not a set and a hash beside it: a device costs one member, some 100 bytes at most.
 *
 * <p>An application's index lives in its own hash slot, not the device record's, so it cannot change in the record's
 * Redis step. It cannot drift from the records all the same: a write adds its DevEUI to its application's index under
 * its generation before the record is written, so a record is never without its entry; an entry is removed only by a
 * step that proves no write of that generation or before can still make the record name that application (the
 * record was written by a later generation, or deleted), checked against the entry's generation in the index's own
 * atomic step, so that a write that listed it again meanwhile keeps it. An entry too many (a write that failed after
 * its entry was added, a deletion whose step here failed) is left out when the list is read, which compares each
 * entry with its record, and removed then on the same proof (the record's later generation, or its deletion mark's).
 */
final class ApplicationDevices {
    /** The members of one DevEUI: every member from {@code DevEUI:} to before {@code DevEUI;} (';' follows ':'). */
    private static final String ENTRIES_OF = """
            local entries = redis.call('ZRANGEBYLEX', KEYS[1], '[' .. ARGV[1] .. ':', '(' .. ARGV[1] .. ';')
            """;
    /**
     * KEYS[1] the set; ARGV[1] the DevEUI, ARGV[2] the generation. Lists the device under that generation unless a
     * later one listed it; 1 when changed.
     */
    private static final LuaScript ADD = new LuaScript("application_devices_add", ENTRIES_OF + """
            for _, entry in ipairs(entries) do
              if tonumber(string.sub(entry, 18)) >= tonumber(ARGV[2]) then return 0 end
            end
            for _, entry in ipairs(entries) do redis.call('ZREM', KEYS[1], entry) end
            redis.call('ZADD', KEYS[1], 0, ARGV[1] .. ':' .. ARGV[2])
            return 1""");
    /**
     * KEYS[1] the set; ARGV[1] the DevEUI, ARGV[2] a generation. Removes the device's entry if it was listed by that
     * generation or an earlier one; 1 when removed.
     */
    private static final LuaScript REMOVE = new LuaScript("application_devices_remove", ENTRIES_OF + """
            local removed = 0
            for _, entry in ipairs(entries) do
              if tonumber(string.sub(entry, 18)) <= tonumber(ARGV[2]) then
                redis.call('ZREM', KEYS[1], entry)
                removed = 1
              end
            end
            return removed""");

    private final Redis redis;
    private final RedisKeys keys;

    ApplicationDevices(Redis redis, RedisKeys keys) {
        this.redis = redis;
        this.keys = keys;
    }

    /** Lists the device in the application under the generation of the write that is about to name it there. */
    Future<Void> add(String applicationId, Eui64 devEui, long generation) {
        return ADD.run(redis, new String[] {keys.applicationDevices(applicationId)}, devEui.toString(), generation)
                .mapEmpty();
    }

    /**
     * Takes the device off the application's list, unless a write of a generation later than {@code upTo} listed it
     * there.
     */
    Future<Void> removeUpTo(String applicationId, Eui64 devEui, long upTo) {
        return REMOVE.run(redis, new String[] {keys.applicationDevices(applicationId)}, devEui.toString(), upTo)
                .mapEmpty();
    }

    /** Up to {@code limit} DevEUIs of the application's list, in order, after {@code after} (empty: the first). */
    Future<List<Eui64>> range(String applicationId, Optional<Eui64> after, int limit) {
        return redis.send(Request.cmd(Command.ZRANGEBYLEX).arg(keys.applicationDevices(applicationId))
                        .arg(after.map(eui -> "(" + eui + ";").orElse("-")).arg("+").arg("LIMIT").arg(0).arg(limit))
                .map(reply -> {
                    List<Eui64> devEuis = new ArrayList<>(reply.size());
                    for (Response member : reply) {
                        devEuis.add(Eui64.parse(member.toString().substring(0, 16)));
                    }
                    return devEuis;
                });
    }
}
