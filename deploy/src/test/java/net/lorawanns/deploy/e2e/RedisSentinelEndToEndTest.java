package net.lorawanns.deploy.e2e;

import static net.lorawanns.deploy.e2e.TestNetwork.assertExactlyOnce;
import static net.lorawanns.deploy.e2e.TestNetwork.uplink;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import net.lorawanns.config.RedisSettings;
import net.lorawanns.core.redis.RedisKeys;
import net.lorawanns.core.testing.RedisProcess;
import net.lorawanns.core.testing.TestRedisSentinel;
import net.lorawanns.core.types.Eui64;
import net.lorawanns.deploy.Server;
import net.lorawanns.sim.SpecDevice;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server in sentinel mode under a steady stream of uplinks while the sentinels fail the master over, first after
 * the master process is killed, then on request (SENTINEL FAILOVER) while the old master still runs. After each
 * switch the new master has the FCnt of every device's last delivered frame (the devices stop at the switch, so no
 * later frame hides a lost counter step), and at the end a replay of any delivered frame is refused. The server
 * waits for one replica to acknowledge each counter step ({@code min_replicas_acked = 1}, {@link
 * net.lorawanns.core.redis.ReplicaAcks}): a crash then promotes the most up-to-date replica, which has every
 * acknowledged step.
 */
class RedisSentinelEndToEndTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    /** How long a frame sent during a failover may take to be delivered, if it is at all. */
    private static final Duration OUTCOME = Duration.ofSeconds(1);
    private static final Duration FAILOVER = Duration.ofSeconds(30);
    private static final long EU868_CH0 = 868_100_000L;
    private static final long EU868_CH1 = 868_300_000L;
    private static final String SF9 = "SF9BW125";
    private static final int TX_DR = 3;
    private static final int TX_CH = 0;
    private static TestRedisSentinel sentinel;

    @TempDir
    Path dir;
    private TestNetwork network;
    private Air air;
    private Server server;
    private SimulatedGateway gateway;
    private List<Air.Reception> reach;
    private final Vertx vertx = Vertx.vertx();
    /** Every frame sent, by device and FCnt. */
    private final Map<String, Map<Long, byte[]>> sent = new LinkedHashMap<>();

    @BeforeAll
    static void startSentinel() {
        sentinel = TestRedisSentinel.start();
    }

    @AfterAll
    static void stopSentinel() {
        sentinel.close();
    }

    @BeforeEach
    void start() throws Exception {
        RedisSettings set = sentinel.settings("");
        network = new TestNetwork(dir, new RedisSettings(set.servers(), set.mode(), set.masterName(), "", null, null, 1,
                Duration.ofMillis(200)));
        air = new Air();
        server = network.startInstance();
        gateway = new SimulatedGateway("AA555A0000000021", server.udpPort());
        gateway.pullData();
        reach = List.of(new Air.Reception(gateway, 5.0, -85, 1_000_000));
        network.createApplication(server, "app-sentinel");
    }

    @AfterEach
    void stop() throws Exception {
        gateway.close();
        air.close();
        network.close();
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void noDeliveredFrameIsLostAndNoReplayAcceptedAcrossFailovers() throws Exception {
        List<SpecDevice> devices = new ArrayList<>();
        devices.addAll(streamUntil(0x10, () -> sentinel.killMaster(FAILOVER)));
        devices.addAll(streamUntil(0x20, () -> sentinel.failover(FAILOVER)));

        // One more frame each, then every delivered frame again (on another channel): each is a replay.
        for (SpecDevice device : devices) {
            send(device);
            network.webhook().await(uplink(device.devEui, device.fCntUp - 1), WAIT);
        }
        List<JsonObject> delivered = uplinks();
        for (JsonObject up : delivered) {
            if (up.getLong("f_cnt") < sent.get(up.getString("dev_eui")).size() - 1) {
                air.transmit(sent.get(up.getString("dev_eui")).get(up.getLong("f_cnt")), EU868_CH1, SF9, reach);
            }
        }
        for (JsonObject up : delivered) {
            if (up.getLong("f_cnt") < sent.get(up.getString("dev_eui")).size() - 1) {
                network.webhook().await(e -> "replay".equals(e.getString("error"))
                        && up.getString("dev_eui").equals(e.getString("dev_eui"))
                        && e.getString("description").contains("FCnt " + up.getLong("f_cnt") + " "), WAIT);
            }
        }
        assertEquals(delivered.size(), uplinks().size(), "no replay delivered");
        assertExactlyOnce(network.webhook().all(), delivered.size());
    }

    /**
     * New devices send frames, round after round, each round once the previous one's frames were delivered (or had
     * {@link #OUTCOME} to be), while {@code failover} runs in another thread, and stop when it is done. Then the
     * new master must have the FCnt of each device's last delivered frame: no later frame could have covered a lost
     * counter step.
     */
    private List<SpecDevice> streamUntil(int first, Supplier<RedisProcess> failover) throws Exception {
        List<SpecDevice> devices = new ArrayList<>();
        for (int i = first; i < first + 3; i++) {
            SpecDevice device = network.abpDevice(server, String.format("00000000002A%04X", i),
                    String.format("2600%04X", 0x300 + i), "app-sentinel");
            devices.add(device);
            sent.put(device.devEui, new LinkedHashMap<>());
        }
        CompletableFuture<RedisProcess> switched = CompletableFuture.supplyAsync(failover);
        while (!switched.isDone()) {
            for (SpecDevice device : devices) {
                send(device);
            }
            for (SpecDevice device : devices) {
                try {
                    network.webhook().await(uplink(device.devEui, device.fCntUp - 1), OUTCOME);
                } catch (AssertionError notDelivered) {
                    // refused while Redis was failing over: the device's next frame goes on
                }
            }
        }
        RedisProcess master = switched.get(FAILOVER.toSeconds(), TimeUnit.SECONDS);
        Redis direct = Redis.createClient(vertx, master.url());
        RedisKeys keys = new RedisKeys(network.keyPrefix());
        for (SpecDevice device : devices) {
            long last = uplinks().stream().filter(e -> device.devEui.equals(e.getString("dev_eui")))
                    .mapToLong(e -> e.getLong("f_cnt")).max().orElse(-1);
            Response stored = direct.send(Request.cmd(Command.HGET).arg(keys.session(Eui64.parse(device.devEui)))
                    .arg("f")).await(10, TimeUnit.SECONDS);
            assertTrue(last < 0 || stored != null && stored.toLong() >= last, device.devEui + ": the new master on "
                    + "port " + master.port() + " has FCnt " + stored + ", the last delivered frame had " + last);
        }
        return devices;
    }

    private List<JsonObject> uplinks() {
        return network.webhook().all().stream().filter(e -> "uplink".equals(e.getString("type"))).toList();
    }

    private void send(SpecDevice device) throws Exception {
        long fCnt = device.fCntUp;
        byte[] phy = device.uplink(false, 1, new byte[] {(byte) fCnt}, new byte[0], TX_DR, TX_CH);
        sent.get(device.devEui).put(fCnt, phy);
        air.transmit(phy, EU868_CH0, SF9, reach);
    }
}
