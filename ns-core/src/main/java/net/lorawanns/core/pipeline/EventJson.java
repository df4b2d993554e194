package net.lorawanns.core.pipeline;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Optional;
import net.lorawanns.core.events.ApplicationEvent;
import net.lorawanns.core.gateway.RxInfo;
import net.lorawanns.core.join.AppSKeyReference;
import net.lorawanns.core.region.DataRate;
import net.lorawanns.core.uplink.Copy;
import net.lorawanns.core.uplink.DeduplicatedUplink;

/** The JSON pieces events share: radio metadata of every gateway copy, data rate, frequency. */
final class EventJson {
    private EventJson() {
    }

    static JsonObject radio(DeduplicatedUplink uplink, Optional<Integer> dr) {
        JsonArray rxInfo = new JsonArray();
        uplink.copies().stream().sorted(DeduplicatedUplink.BEST_FIRST).map(Copy::rxInfo).map(EventJson::rxInfo)
                .forEach(rxInfo::add);
        JsonObject json = new JsonObject().put("frequency", uplink.frequencyHz())
                .put("data_rate", dataRate(uplink.dataRate())).put("rx_info", rxInfo)
                .put("received_at", uplink.copies().stream().map(c -> c.rxInfo().receivedAt()).min(Instant::compareTo)
                        .orElseThrow().toString());
        dr.ifPresent(index -> json.put("dr", index));
        return json;
    }

    static JsonObject dataRate(DataRate dataRate) {
        if (dataRate instanceof DataRate.LoRa lora) {
            return new JsonObject().put("modulation", "LORA").put("spreading_factor", lora.spreadingFactor())
                    .put("bandwidth", lora.bandwidthHz());
        }
        DataRate.Fsk fsk = (DataRate.Fsk) dataRate;
        return new JsonObject().put("modulation", "FSK").put("bitrate", fsk.bitrate());
    }

    private static JsonObject rxInfo(RxInfo rx) {
        JsonObject json = new JsonObject().put("gateway_id", rx.gatewayEui().toString()).put("tmst", rx.tmst())
                .put("rssi", rx.rssi()).put("channel", rx.channel()).put("rf_chain", rx.rfChain())
                .put("antenna", rx.antenna());
        if (rx.snr() != null) {
            json.put("snr", rx.snr());
        }
        if (rx.signalRssi() != null) {
            json.put("signal_rssi", rx.signalRssi());
        }
        if (rx.time() != null) {
            json.put("time", rx.time().toString());
        }
        if (rx.fineTimestampNanos() != null) {
            json.put("fine_timestamp_ns", rx.fineTimestampNanos());
        }
        if (rx.frequencyOffsetHz() != null) {
            json.put("frequency_offset", rx.frequencyOffsetHz());
        }
        return json;
    }

    /**
     * When the join server kept the AppSKey: {@code session_key_id} and {@code join_server_id}, which the application
     * needs for its AppSKeyReq to that join server.
     */
    static void appSKeyReference(JsonObject json, Optional<AppSKeyReference> reference) {
        reference.ifPresent(r -> json.put("session_key_id", r.sessionKeyId()).put("join_server_id", r.joinServerId()));
    }

    static ApplicationEvent error(Optional<String> applicationId, String error, String description, JsonObject detail) {
        return new ApplicationEvent(ApplicationEvent.ERROR, applicationId,
                detail.copy().put("error", error).put("description", description));
    }
}
