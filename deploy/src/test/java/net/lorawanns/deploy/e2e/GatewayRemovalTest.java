package net.lorawanns.deploy.e2e;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import net.lorawanns.deploy.Server;
import net.lorawanns.sim.SpecGateway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Under {@code unknown_gateways = "reject"}, a gateway removed through any instance's API, or left out of the
 * configuration at a restart, is refused at once by every instance: well within the 10 s of the periodic re-read.
 */
class GatewayRemovalTest {
    /** Without a rate limit: the test asks as fast as it is answered. */
    private static final String REJECT = "unknown_gateways = \"reject\"\nrate_limit = 0";
    private static final String REMOVED = "AA555A00000000F1";
    private static final String CONTROL = "AA555A00000000F2";
    /** Well below the 10 s periodic re-read of the registered gateways. */
    private static final Duration CUT_OFF_WITHIN = Duration.ofSeconds(3);
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final byte PULL_ACK = 4;

    @TempDir
    Path dir;
    private TestNetwork network;

    @BeforeEach
    void start() throws Exception {
        network = new TestNetwork(dir);
    }

    @AfterEach
    void stop() throws Exception {
        network.close();
    }

    @Test
    void aGatewayDeletedThroughOneInstanceIsCutOffAtOnceOnTheOther() throws Exception {
        Server admin = network.startInstance(REJECT, "");
        Server other = network.startInstance(REJECT, "");
        network.api(admin, "PUT", "/api/v1/gateways/" + REMOVED, new JsonObject(), 200);
        network.api(admin, "PUT", "/api/v1/gateways/" + CONTROL, new JsonObject(), 200);
        try (SpecGateway removed = new SpecGateway(REMOVED, other.udpPort());
             SpecGateway control = new SpecGateway(CONTROL, other.udpPort())) {
            awaitServed(removed, WAIT);
            awaitServed(control, WAIT);

            long deleted = System.nanoTime();
            network.api(admin, "DELETE", "/api/v1/gateways/" + REMOVED, null, 200);
            awaitRefused(removed, control, deleted);
        }
    }

    @Test
    void aGatewayLeftOutOfTheConfigurationIsRefusedAfterARestart() throws Exception {
        String configured = "\n[[gateway.gateways]]\ngateway_id = \"" + REMOVED + "\"\n"
                + "[[gateway.gateways]]\ngateway_id = \"" + CONTROL + "\"\n";
        Server before = network.startInstance(REJECT, configured);
        try (SpecGateway removed = new SpecGateway(REMOVED, before.udpPort())) {
            awaitServed(removed, WAIT);
        }
        before.close();
        Server after = network.startInstance(REJECT, "\n[[gateway.gateways]]\ngateway_id = \"" + CONTROL + "\"\n");
        try (SpecGateway removed = new SpecGateway(REMOVED, after.udpPort());
             SpecGateway control = new SpecGateway(CONTROL, after.udpPort())) {
            assertServed(control, "the gateway still configured is served");
            assertFalse(answered(removed, 0x0101, Duration.ofMillis(500)), "the left-out gateway is refused");
            assertServed(control, "while the instance answers the configured one");
        }
    }

    /** PULL_DATA until one is answered: registrations reach an instance through Redis. */
    private static void awaitServed(SpecGateway gateway, Duration deadline) throws Exception {
        long end = System.nanoTime() + deadline.toNanos();
        for (int token = 1; !answered(gateway, token, Duration.ofMillis(200)); token++) {
            if (System.nanoTime() > end) {
                throw new AssertionError("gateway not served within " + deadline);
            }
        }
    }

    private static void assertServed(SpecGateway gateway, String what) throws Exception {
        assertTrue(answered(gateway, 0x7777, WAIT), what);
    }

    /** Sends PULL_DATA and waits for its PULL_ACK, skipping late answers to earlier ones. */
    private static boolean answered(SpecGateway gateway, int token, Duration wait) throws Exception {
        gateway.pullData(2, token);
        byte[] expected = {2, (byte) (token >> 8), (byte) token, PULL_ACK};
        long end = System.nanoTime() + wait.toNanos();
        while (true) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            try {
                if (Arrays.equals(expected, gateway.receive(Duration.ofNanos(Math.max(1_000_000, left))))) {
                    return true;
                }
            } catch (SocketTimeoutException e) {
                return false;
            }
        }
    }

    /**
     * PULL_DATA until one goes unanswered while the control gateway, asking next, is answered: the cut-off
     * happened, and within {@link #CUT_OFF_WITHIN} of the deletion.
     */
    private static void awaitRefused(SpecGateway gateway, SpecGateway control, long sinceNanos) throws Exception {
        long end = sinceNanos + WAIT.toNanos();
        for (int token = 0x100; answered(gateway, token, Duration.ofMillis(300)); token++) {
            if (System.nanoTime() > end) {
                throw new AssertionError("gateway still served " + WAIT + " after its deletion");
            }
        }
        Duration took = Duration.ofNanos(System.nanoTime() - sinceNanos);
        assertServed(control, "the instance answers the control gateway meanwhile");
        assertTrue(took.compareTo(CUT_OFF_WITHIN) < 0, "cut off after " + took);
        assertFalse(answered(gateway, 0x0FFF, Duration.ofMillis(500)), "stays cut off");
    }
}
