package net.lorawanns.core.device;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import net.lorawanns.core.redis.KeyScan;
import net.lorawanns.core.redis.RedisKeys;
import net.lorawanns.core.seal.AtRestCipher;
import net.lorawanns.core.seal.SealedRecords;

/**
 * Application records in Redis. The ID and webhook URL stay readable; the webhook headers, whose values are often
 * credentials, are sealed under the master key, bound to the application ID and URL. Records stored before the
 * headers were sealed (no {@code kid}) are still read; {@code keys rotate} seals them.
 */
public final class ApplicationStore {
    private final Redis redis;
    private final RedisKeys keys;
    private final AtRestCipher cipher;

    public ApplicationStore(Redis redis, RedisKeys keys, AtRestCipher cipher) {
        this.redis = redis;
        this.keys = keys;
        this.cipher = cipher;
    }

    /**
     * Lists the application's ID in {@link RedisKeys#applications()}, then writes its record: a record is never
     * without its entry (applications are not deleted), and an entry whose record write failed is left out when the
     * list is read.
     */
    public Future<Void> put(Application application) {
        return list(application.id()).compose(listed -> redis.send(Request.cmd(Command.SET)
                .arg(keys.application(application.id())).arg(encode(application).encode()))).mapEmpty();
    }

    /** Up to {@code limit} applications in ID order, after {@code after} (empty: from the first). */
    public Future<Page<Application, String>> page(Optional<String> after, int limit) {
        return redis.send(Request.cmd(Command.ZRANGEBYLEX).arg(keys.applications())
                .arg(after.map(id -> "(" + id).orElse("-")).arg("+").arg("LIMIT").arg(0).arg(limit)).compose(ids -> {
                    List<Future<Optional<Application>>> records = new ArrayList<>(ids.size());
                    for (Response id : ids) {
                        records.add(get(id.toString()));
                    }
                    return Future.all(records).map(all -> {
                        List<Application> applications = new ArrayList<>(ids.size());
                        for (int i = 0; i < ids.size(); i++) {
                            all.<Optional<Application>>resultAt(i).ifPresent(applications::add);
                        }
                        return new Page<>(applications, ids.size() < limit ? Optional.empty()
                                : Optional.of(ids.get(ids.size() - 1).toString()));
                    });
                });
    }

    /**
     * Lists every stored application from {@code from} on: for records stored before the list existed (see
     * {@link ResourceIndexes}). {@code pageDone} is told how many records each page listed and the scan's position after it.
     */
    Future<Void> indexAll(KeyScan.Position from, BiFunction<Integer, KeyScan.Position, Future<?>> pageDone) {
        return KeyScan.forEachPage(redis, keys.applicationPattern(), from, (page, after) -> {
            List<Future<Void>> listed = new ArrayList<>(page.size());
            for (String key : page) {
                int tag = key.lastIndexOf('{');
                listed.add(list(key.substring(tag + 1, key.indexOf('}', tag))));
            }
            return Future.all(listed).compose(v -> pageDone.apply(page.size(), after));
        });
    }

    private Future<Void> list(String id) {
        return redis.send(Request.cmd(Command.ZADD).arg(keys.applications()).arg(0).arg(id)).mapEmpty();
    }

    public Future<Optional<Application>> get(String id) {
        return redis.send(Request.cmd(Command.GET).arg(keys.application(id))).map(response -> response == null
                ? Optional.empty() : Optional.of(decode(id, new JsonObject(response.toBuffer()))));
    }

    /**
     * Re-seals every application record not under the current master key; the count re-sealed. A record is replaced
     * only if unchanged since read.
     */
    public Future<Integer> rotate() {
        return SealedRecords.rotate(redis, keys.applicationPattern(), cipher,
                (redisKey, record) -> {
                    int tag = redisKey.lastIndexOf('{');
                    return encode(decode(redisKey.substring(tag + 1, redisKey.indexOf('}', tag)), record));
                });
    }

    private JsonObject encode(Application application) {
        JsonObject headers = new JsonObject();
        application.webhookHeaders().forEach(headers::put);
        JsonObject record = new JsonObject().put("application_id", application.id());
        application.webhookUrl().ifPresent(url -> record.put("webhook_url", url.toString()));
        return cipher.seal(record, headers.toBuffer().getBytes(),
                kid -> associatedData(application.id(), kid, record));
    }

    /** The record stored under application {@code id}'s key; the sealed part opens only under that ID. */
    private Application decode(String id, JsonObject record) {
        JsonObject headers;
        if (record.containsKey("kid")) {
            headers = new JsonObject(new String(cipher.open(record, associatedData(id, record.getString("kid"), record),
                    "the webhook headers of application " + id), StandardCharsets.UTF_8));
        } else {
            headers = record.getJsonObject("webhook_headers", new JsonObject());
        }
        Map<String, String> webhookHeaders = new LinkedHashMap<>();
        headers.forEach(e -> webhookHeaders.put(e.getKey(), (String) e.getValue()));
        String url = record.getString("webhook_url");
        return new Application(id, Optional.ofNullable(url).map(URI::create),
                webhookHeaders);
    }

    private static byte[] associatedData(String id, String kid, JsonObject record) {
        return String.join("|", "lorawan-application", id, kid,
                record.getString("webhook_url", "")).getBytes(StandardCharsets.UTF_8);
    }
}
