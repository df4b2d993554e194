package net.lorawanns.core.device;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import net.lorawanns.core.redis.KeyScan;
import net.lorawanns.core.redis.LuaScript;
import net.lorawanns.core.redis.RedisKeys;
import net.lorawanns.core.types.Eui64;

/**
 * Device records in Redis, by DevEUI. Each write and deletion has a generation and holds the device's profile (see
 * {@link ProfileReferences}); the record keeps its generation as {@code profile_ref}, and a deleted record leaves
 * its deletion's generation for {@link #DELETION_MARK_TTL}. Called on an event loop (the API's); a write's or
 * deletion's steps follow one another there. Each write and deletion keeps the index of devices by application
 * ({@link ApplicationDevices}) in step.
 */
public final class DeviceStore {
    /**
     * Longer than any write may still be on its way to Redis (every request has a deadline of seconds), so that no
     * write ordered before a deletion lands after it.
     */
    static final Duration DELETION_MARK_TTL = Duration.ofDays(1);
    private static final String NEWEST = """
            local newest = tonumber(redis.call('GET', KEYS[2]) or '0')
            local raw = redis.call('GET', KEYS[1])
            if raw then
              local written = cjson.decode(raw).profile_ref
              if written and written > newest then newest = written end
            end
            """;
    /** The application the record names before the script changes it ('' for none). */
    private static final String BEFORE = """
            local before = ''
            if raw then before = cjson.decode(raw).application_id or '' end
            """;
    /**
     * KEYS[1] the record, KEYS[2] its deletion mark; ARGV[1] the record, ARGV[2] its generation. Writes it unless a
     * later generation wrote or deleted the record; {1, the application it named before ('' for none)} when written.
     */
    private static final LuaScript WRITE = new LuaScript("device_write", NEWEST + BEFORE + """
            if newest >= tonumber(ARGV[2]) then return {0, before} end
            redis.call('SET', KEYS[1], ARGV[1])
            redis.call('DEL', KEYS[2])
            return {1, before}""");
    /**
     * KEYS as {@link #WRITE}; ARGV[1] the deletion's generation, ARGV[2] how long its mark stays (ms). Returns {1,
     * its application} when the record was deleted, {0, ''} when there was none, {-1, ''} when a later generation's
     * write stands.
     */
    private static final LuaScript ERASE = new LuaScript("device_erase", NEWEST + BEFORE + """
            if newest >= tonumber(ARGV[1]) then return {-1, ''} end
            local existed = redis.call('DEL', KEYS[1])
            redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2])
            return {existed, before}""");

    private final Redis redis;
    private final RedisKeys keys;
    private final ProfileReferences references;
    private final ApplicationDevices index;

    public DeviceStore(Redis redis, RedisKeys keys) {
        this.redis = redis;
        this.keys = keys;
        this.references = new ProfileReferences(redis, keys);
        this.index = new ApplicationDevices(redis, keys);
    }

    /**
     * Creates or replaces the record, moving the device's hold from its former profile to its new one. Fails with a
     * {@link ProfileReferenceException}, writing nothing, when the profile does not exist or is for another MAC
     * version.
     */
    public Future<Void> put(Device device) {
        Eui64 devEui = device.devEui();
        Future<Long> generation = device.deviceProfileId().isPresent()
                ? references.hold(devEui, device.deviceProfileId().get(), device.macVersion())
                : references.generation();
        String application = device.applicationId();
        return generation.compose(g -> index.add(application, devEui, g).compose(listed -> WRITE.run(redis,
                recordKeys(devEui), device.toJson().put("profile_ref", g).encode(), g)).compose(written -> {
                    String before = written.get(1).toString();
                    if (written.get(0).toInteger() != 1) {
                        return references.releaseOnly(devEui, g).compose(v -> index.removeUpTo(application, devEui, g));
                    }
                    Future<Void> moved = before.isEmpty() || before.equals(application) ? Future.succeededFuture()
                            : index.removeUpTo(before, devEui, g - 1);
                    return moved.compose(v -> references.releaseBefore(devEui, g));
                }));
    }

    /**
     * Up to {@code limit} devices of the application, in DevEUI order, after {@code after} (empty: from the first).
     * The page's next key is the last DevEUI read from the index when there may be more, whether or not that entry
     * was still the application's device.
     */
    public Future<Page<Device, Eui64>> page(String applicationId, Optional<Eui64> after, int limit) {
        return index.range(applicationId, after, limit).compose(listed -> {
            List<Future<Response>> records = new ArrayList<>(listed.size());
            for (Eui64 devEui : listed) {
                records.add(redis.send(Request.cmd(Command.GET).arg(keys.device(devEui))));
            }
            return Future.all(records).map(all -> {
                List<Device> devices = new ArrayList<>(listed.size());
                for (int i = 0; i < listed.size(); i++) {
                    Response record = all.resultAt(i);
                    if (record == null) {
                        // Deleted (its entry's removal failed), or a write on its way or failed: not in the
                        // application. The entry goes if the deletion's mark proves it was deleted after it was listed.
                        forgetIfDeleted(applicationId, listed.get(i));
                        continue;
                    }
                    StoredDevice stored = StoredDevice.read(record.toBytes());
                    Device device = stored.device();
                    if (device.applicationId().equals(applicationId)) {
                        devices.add(device);
                    } else {
                        // Written by a later generation into another application: the entry can go, unless a write
                        // listed it again meanwhile. Not waited for; the next reading tries again.
                        index.removeUpTo(applicationId, device.devEui(), stored.profileRef());
                    }
                }
                return new Page<>(devices, listed.size() < limit ? Optional.empty()
                        : Optional.of(listed.get(listed.size() - 1)));
            });
        });
    }

    /** Not waited for: the next reading tries again, for as long as the mark lasts. */
    private void forgetIfDeleted(String applicationId, Eui64 devEui) {
        redis.send(Request.cmd(Command.GET).arg(keys.deviceDeleted(devEui))).onSuccess(mark -> {
            if (mark != null) {
                index.removeUpTo(applicationId, devEui, mark.toLong());
            }
        });
    }

    /**
     * Lists every stored device in its application's index, from {@code from} on: for records stored before the index
     * existed (see {@link ResourceIndexes}). Each record is listed under the generation it was written with, so a
     * write meanwhile stands. {@code pageDone} is told how many records each page listed and the scan's position after it.
     */
    Future<Void> indexAll(KeyScan.Position from, BiFunction<Integer, KeyScan.Position, Future<?>> pageDone) {
        return KeyScan.forEachPage(redis, keys.devicePattern(), from, (page, after) -> {
            List<Future<Void>> listed = new ArrayList<>(page.size());
            for (String key : page) {
                listed.add(redis.send(Request.cmd(Command.GET).arg(key)).compose(record -> {
                    if (record == null) {
                        return Future.succeededFuture();
                    }
                    StoredDevice stored = StoredDevice.read(record.toBytes());
                    return index.add(stored.device().applicationId(), stored.device().devEui(), stored.profileRef());
                }));
            }
            return Future.all(listed).compose(v -> pageDone.apply(page.size(), after));
        });
    }

    public Future<Optional<Device>> get(Eui64 devEui) {
        return redis.send(Request.cmd(Command.GET).arg(keys.device(devEui))).map(response -> response == null
                ? Optional.empty() : Optional.of(StoredDevice.read(response.toBytes()).device()));
    }

    /**
     * Deletes the device record and releases its hold on a profile; returns whether the device existed. Its
     * sessions go with {@link SessionStore#delete}, which also clears their DevAddr index entries.
     */
    public Future<Boolean> delete(Eui64 devEui) {
        return references.generation().compose(g -> ERASE.run(redis, recordKeys(devEui), g,
                DELETION_MARK_TTL.toMillis()).compose(erased -> {
                    int outcome = erased.get(0).toInteger();
                    Future<Void> unlisted = outcome == 1 && !erased.get(1).toString().isEmpty()
                            ? index.removeUpTo(erased.get(1).toString(), devEui, g) : Future.succeededFuture();
                    return unlisted.compose(v -> references.releaseBefore(devEui, g)).map(v -> outcome != 0);
                }));
    }

    private String[] recordKeys(Eui64 devEui) {
        return new String[] {keys.device(devEui), keys.deviceDeleted(devEui)};
    }
}
