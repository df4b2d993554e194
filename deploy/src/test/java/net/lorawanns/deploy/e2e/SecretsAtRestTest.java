package net.lorawanns.deploy.e2e;

import static net.lorawanns.deploy.e2e.TestNetwork.event;
import static net.lorawanns.deploy.e2e.TestNetwork.uplink;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import net.lorawanns.core.testing.SecretScan;
import net.lorawanns.core.testing.TestRedis;
import net.lorawanns.deploy.Server;
import net.lorawanns.sim.SpecDevice;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * After OTAA joins through the internal join server (a LoRaWAN 1.0.3 and a 1.1 device), an ABP registration and an
 * application with webhook headers, every value the server wrote to Redis is read back raw, by its type, and searched
 * for every secret in every encoding. The session keys are the ones the test device derived itself.
 */
class SecretsAtRestTest {
    private static final HexFormat HEX = HexFormat.of().withUpperCase();
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final long EU868_CH0 = 868_100_000L;
    private static final String SF9 = "SF9BW125";
    private static final int TX_DR = 3;
    private static final int TX_CH = 0;
    private static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path dir;
    private Site site;
    private TestNetwork network;
    private Air air;
    private Server server;
    private SimulatedGateway gateway;
    private List<Air.Reception> reception;
    private final Vertx vertx = Vertx.vertx();

    @BeforeEach
    void start() throws Exception {
        site = new Site(dir, "AA555A0000000011", "app-sealed");
        network = site.network;
        air = site.air;
        server = site.server;
        gateway = site.gateway;
        reception = site.heard;
    }

    @AfterEach
    void stop() throws Exception {
        site.close();
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void noSecretIsStoredInAnyReadableEncoding() throws Exception {
        Map<String, byte[]> secrets = new LinkedHashMap<>();
        String token = "Bearer " + HEX.formatHex(random(12));
        secrets.put("webhook header value", token.getBytes(StandardCharsets.UTF_8));
        network.api(server, "PUT", "/api/v1/applications/app-sealed", new JsonObject()
                .put("webhook_url", network.webhookUrl())
                .put("webhook_headers", new JsonObject().put("Authorization", token)), 200);

        int nonce = 0x0100;
        for (String version : List.of("1.0.3", "1.1")) {
            SpecDevice device = otaaDevice(version.equals("1.1") ? "00000000005E0011" : "00000000005E0010", version);
            air.transmit(device.joinRequest(nonce++), EU868_CH0, SF9, reception);
            device.acceptJoin(gateway.awaitDownlink(WAIT).phy());
            network.webhook().await(event("join", device.devEui), WAIT);
            // The first uplink makes the join's pending session the active one.
            byte[] fOpts = device.lorawan11() ? new byte[] {0x0B, 0x01} : new byte[0];
            air.transmit(device.uplink(false, 10, new byte[] {1}, fOpts, TX_DR, TX_CH), EU868_CH0, SF9, reception);
            network.webhook().await(uplink(device.devEui, 0), WAIT);
            secrets.put(device.devEui + " AppKey", device.appKey);
            if (device.nwkKey != null) {
                secrets.put(device.devEui + " NwkKey", device.nwkKey);
            }
            putSessionKeys(secrets, device);
        }
        SpecDevice abp = new SpecDevice("00000000005E0012", null, "1.0.3", null, null, 0);
        abp.activate("26005E12", random(16), random(16));
        network.api(server, "PUT", "/api/v1/devices/" + abp.devEui, new JsonObject()
                .put("application_id", "app-sealed").put("mac_version", "1.0.3").put("abp", new JsonObject()
                        .put("dev_addr", abp.devAddr()).put("nwk_s_key", HEX.formatHex(abp.nwkSEncKey))
                        .put("app_s_key", HEX.formatHex(abp.appSKey))), 200);
        air.transmit(abp.uplink(false, 10, new byte[] {2}, new byte[0], TX_DR, TX_CH), EU868_CH0, SF9, reception);
        network.webhook().await(uplink(abp.devEui, 0), WAIT);
        putSessionKeys(secrets, abp);

        Map<String, byte[]> stored = everyValue();
        assertTrue(stored.keySet().stream().anyMatch(k -> k.endsWith(":session")), "sessions were scanned");
        assertTrue(stored.keySet().stream().anyMatch(k -> k.contains("application:{app-sealed}")), stored.keySet().toString());
        assertTrue(stored.keySet().stream().anyMatch(k -> k.endsWith(":keys")), "root keys were scanned");
        List<String> leaks = new ArrayList<>();
        stored.forEach((key, value) -> secrets.forEach((name, secret) -> {
            List<String> found = SecretScan.find(value, secret);
            found.addAll(SecretScan.find(key, secret));
            if (!found.isEmpty()) {
                leaks.add(name + " in " + key + " as " + found);
            }
        }));
        assertEquals(List.of(), leaks);
    }

    private static void putSessionKeys(Map<String, byte[]> secrets, SpecDevice device) {
        secrets.put(device.devEui + " FNwkSIntKey", device.fNwkSIntKey);
        secrets.put(device.devEui + " SNwkSIntKey", device.sNwkSIntKey);
        secrets.put(device.devEui + " NwkSEncKey", device.nwkSEncKey);
        secrets.put(device.devEui + " AppSKey", device.appSKey);
    }

    /** Every key under the network's prefix and its value as Redis returns it for the key's type, as bytes. */
    private Map<String, byte[]> everyValue() throws Exception {
        Redis redis = TestRedis.client(vertx, TestRedis.settings());
        Map<String, byte[]> values = new LinkedHashMap<>();
        String cursor = "0";
        do {
            Response page = await(redis.send(Request.cmd(Command.SCAN).arg(cursor)
                    .arg("MATCH").arg(network.keyPrefix() + "*").arg("COUNT").arg(1000)));
            cursor = page.get(0).toString();
            for (Response key : page.get(1)) {
                String name = key.toString();
                String type = await(redis.send(Request.cmd(Command.TYPE).arg(name))).toString();
                Request read = switch (type) {
                    case "string" -> Request.cmd(Command.GET).arg(name);
                    case "hash" -> Request.cmd(Command.HGETALL).arg(name);
                    case "set" -> Request.cmd(Command.SMEMBERS).arg(name);
                    case "list" -> Request.cmd(Command.LRANGE).arg(name).arg(0).arg(-1);
                    case "zset" -> Request.cmd(Command.ZRANGE).arg(name).arg(0).arg(-1).arg("WITHSCORES");
                    case "none" -> null;
                    default -> throw new AssertionError(name + " has type " + type + ", which this test cannot read");
                };
                if (read != null) {
                    values.put(name, bytes(await(redis.send(read))));
                }
            }
        } while (!cursor.equals("0"));
        return values;
    }

    /** A reply's bytes: a bulk string as is; an array's or map's elements (fields and values), one per line. */
    private static byte[] bytes(Response response) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        collect(response, all);
        return all.toByteArray();
    }

    private static void collect(Response response, ByteArrayOutputStream out) {
        if (response == null) {
            return;
        }
        if (response.type() == ResponseType.MULTI) {
            for (Response element : response) {
                collect(element, out);
                out.write('\n');
            }
        } else if (response.type() == ResponseType.BULK) {
            out.writeBytes(response.toBytes());
        } else {
            out.writeBytes(response.toString().getBytes(StandardCharsets.UTF_8));
        }
    }

    private SpecDevice otaaDevice(String devEui, String version) throws Exception {
        return network.otaaDevice(server, devEui, version, "app-sealed");
    }

    private static byte[] random(int length) {
        byte[] bytes = new byte[length];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    private static <T> T await(io.vertx.core.Future<T> future) throws Exception {
        return future.await(10, TimeUnit.SECONDS);
    }
}
