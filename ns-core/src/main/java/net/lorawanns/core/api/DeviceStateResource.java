package net.lorawanns.core.api;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.Optional;
import net.lorawanns.core.device.Device;
import net.lorawanns.core.device.DeviceStore;
import net.lorawanns.core.device.HeardBy;
import net.lorawanns.core.device.SessionState;
import net.lorawanns.core.device.SessionStore;
import net.lorawanns.core.join.DevNonceRegistry;
import net.lorawanns.core.join.RootKeyProvisioning;
import net.lorawanns.core.types.DevNonce;
import net.lorawanns.core.types.Eui64;
import net.lorawanns.core.types.JoinNonce;

/**
 * {@code GET /api/v1/devices/:devEui/state}: whether the device is activated, its session's DevAddr and counters,
 * its last DevNonce and (from the built-in join server) JoinNonce, when its last answered uplink came and the
 * gateways that heard it with their RSSI and SNR. Never a key: the session's keys are not even opened. Runs on the
 * API server's event loop.
 */
final class DeviceStateResource {
    private final DeviceStore devices;
    private final SessionStore sessions;
    private final DevNonceRegistry devNonces;
    private final Optional<RootKeyProvisioning> joinServer;

    /** @param joinServer the built-in join server, which knows the JoinNonces it sent; empty without one */
    DeviceStateResource(DeviceStore devices, SessionStore sessions, DevNonceRegistry devNonces,
                        Optional<RootKeyProvisioning> joinServer) {
        this.devices = devices;
        this.sessions = sessions;
        this.devNonces = devNonces;
        this.joinServer = joinServer;
    }

    Future<JsonObject> get(RoutingContext ctx) {
        Eui64 devEui;
        try {
            devEui = Eui64.parse(ctx.pathParam("devEui"));
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, e.getMessage());
        }
        return devices.get(devEui).compose(found -> {
            Device device = found.orElseThrow(() -> new ApiException(404, "no device " + devEui));
            Future<Optional<DevNonce>> lastDevNonce = device.joinEui()
                    .map(joinEui -> devNonces.last(devEui, joinEui))
                    .orElse(Future.succeededFuture(Optional.empty()));
            // An external join server's JoinNonce is inside the encrypted join-accept: only the built-in one's is known.
            Future<Optional<JoinNonce>> lastJoinNonce = device.joinEui().isPresent() && joinServer.isPresent()
                    ? joinServer.get().lastJoinNonce(devEui) : Future.succeededFuture(Optional.empty());
            Future<SessionState> state = sessions.state(devEui);
            return Future.all(lastDevNonce, lastJoinNonce, state).map(all -> describe(device, state.result(),
                    lastDevNonce.result(), lastJoinNonce.result()));
        });
    }

    private static JsonObject describe(Device device, SessionState state, Optional<DevNonce> lastDevNonce,
                                       Optional<JoinNonce> lastJoinNonce) {
        JsonObject session = state.devAddr().map(devAddr -> new JsonObject().put("dev_addr", devAddr.toString())
                .put("mac_version", device.macVersion().toString())
                .put("f_cnt_up", state.fCntUp().isPresent() ? state.fCntUp().getAsLong() : null)
                .put("n_f_cnt_down", state.nFCntDown()).put("a_f_cnt_down", state.aFCntDown())).orElse(null);
        String lastSeen = state.lastSeen().map(Instant::toString).orElse(null);
        JsonArray gateways = new JsonArray();
        for (HeardBy heard : state.heardBy()) {
            // No seen_at: the list is the last new frame's, which a retransmission since does not replace.
            gateways.add(new JsonObject().put("gateway_id", heard.gateway().toString()).put("rssi", heard.rssi())
                    .put("snr", heard.snr()));
        }
        return new JsonObject().put("dev_eui", device.devEui().toString()).put("activated", state.activated())
                .put("session", session).put("last_dev_nonce", lastDevNonce.map(DevNonce::value).orElse(null))
                .put("last_join_nonce", lastJoinNonce.map(JoinNonce::value).orElse(null))
                .put("last_seen", lastSeen).put("gateways", gateways);
    }
}
