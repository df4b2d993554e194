package net.lorawanns.deploy.e2e;

import static net.lorawanns.deploy.e2e.TestNetwork.event;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import net.lorawanns.deploy.Server;
import net.lorawanns.sim.SpecDevice;

/**
 * What most end-to-end tests stand on: a network with one server instance and one gateway that hears every
 * transmission (EU868 868.1 MHz, SF9), an application, and the steps of a device's life that many tests take.
 */
final class Site implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(10);
    static final long EU868_CH0 = 868_100_000L;
    static final String SF9 = "SF9BW125";

    /** A rejoin's accept as the gateway got it, when the request was sent, and the {@code rejoin} event. */
    record Rejoined(Air.Sent sent, SimulatedGateway.Downlink accept, JsonObject event) {
    }

    final TestNetwork network;
    final Air air = new Air();
    final Server server;
    final SimulatedGateway gateway;
    final List<Air.Reception> heard;

    /** @param application created on the network, with the network's webhook receiver */
    Site(Path dir, String gatewayEui, String application) throws Exception {
        this(dir, gatewayEui, application, "");
    }

    /** A site whose instance has {@code extraToml} (further sections) in its configuration. */
    Site(Path dir, String gatewayEui, String application, String extraToml) throws Exception {
        network = new TestNetwork(dir);
        server = network.startInstance(extraToml);
        gateway = new SimulatedGateway(gatewayEui, server.udpPort());
        gateway.pullData();
        heard = List.of(new Air.Reception(gateway, 7.5, -80, 5_000_000));
        network.createApplication(server, application);
    }

    Air.Sent transmit(byte[] phy) throws Exception {
        return air.transmit(phy, EU868_CH0, SF9, heard);
    }

    /** Sends an uplink on the channel and data rate the device chose for it. */
    Air.Sent transmit(SpecDevice.Uplink uplink) throws Exception {
        return air.transmit(uplink.phy(), uplink.frequencyHz(), uplink.datr(), heard);
    }

    /** Sends a join-request and opens its join-accept; returns once the {@code join} event of the new DevAddr came. */
    void join(SpecDevice device, int devNonce) throws Exception {
        transmit(device.joinRequest(devNonce));
        device.acceptJoin(gateway.awaitDownlink(WAIT).phy());
        network.webhook().await(event("join", device.devEui)
                .and(e -> device.devAddr().equals(e.getString("dev_addr"))), WAIT);
    }

    /** Sends a rejoin-request and opens its rejoin-accept; returns once the {@code rejoin} event of the new DevAddr came. */
    Rejoined rejoin(SpecDevice device, byte[] request) throws Exception {
        Air.Sent sent = transmit(request);
        SimulatedGateway.Downlink accept = gateway.awaitDownlink(WAIT);
        device.acceptRejoin(accept.phy());
        JsonObject rejoined = network.webhook().await(event("rejoin", device.devEui)
                .and(e -> device.devAddr().equals(e.getString("dev_addr"))), WAIT);
        return new Rejoined(sent, accept, rejoined);
    }

    @Override
    public void close() throws Exception {
        gateway.close();
        air.close();
        network.close();
    }
}
