package net.lorawanns.core.gateway;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Optional;

/**
 * What a gateway last showed any instance of the network.
 *
 * @param lastSeen its last PULL_DATA or status report
 * @param onlineUntil its last PULL_DATA plus the offline timeout
 * @param lastStats its last status report, in the API's form: {@code time} and the counters of Semtech's
 *     PROTOCOL.TXT section 4 ({@code rxnb, rxok, rxfw, ackr, dwnb, txnb}), null where the gateway sent none
 */
public record GatewayStatus(Optional<Instant> lastSeen, Optional<Instant> onlineUntil, Optional<JsonObject> lastStats) {
    public static final GatewayStatus UNKNOWN = new GatewayStatus(Optional.empty(), Optional.empty(), Optional.empty());

    public boolean online(Instant now) {
        return onlineUntil.map(until -> until.isAfter(now)).orElse(false);
    }

    /** A status report in the API's form. */
    static JsonObject statsJson(GatewayStats stats) {
        return new JsonObject().put("time", stats.time() == null ? null : stats.time().toString())
                .put("rxnb", stats.rxReceived()).put("rxok", stats.rxOk()).put("rxfw", stats.rxForwarded())
                .put("ackr", stats.ackRatio()).put("dwnb", stats.downlinkReceived()).put("txnb", stats.txEmitted());
    }
}
