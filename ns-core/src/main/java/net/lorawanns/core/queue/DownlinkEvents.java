package net.lorawanns.core.queue;

import io.vertx.core.json.JsonObject;
import java.util.Optional;
import net.lorawanns.core.downlink.DownlinkOutcome;
import net.lorawanns.core.events.ApplicationEvent;
import net.lorawanns.core.types.Eui64;

/**
 * The events of a queued downlink's life, each carrying the item's id: queued, sent (gateway, window, the gateway's
 * TX_ACK), acknowledged or not by the device, or failed with a reason.
 */
public final class DownlinkEvents {
    public static final String QUEUED = "downlink_queued";
    public static final String SENT = "downlink_sent";
    public static final String ACK = "downlink_ack";
    public static final String NACK = "downlink_nack";
    public static final String FAILED = "downlink_failed";

    private DownlinkEvents() {
    }

    public static ApplicationEvent queued(String applicationId, Eui64 devEui, QueuedDownlink item, int queueLength) {
        return new ApplicationEvent(QUEUED, Optional.of(applicationId), item(devEui, item)
                .put("size", item.size()).put("encrypted", item.encryption().isPresent())
                .put("queue_length", queueLength));
    }

    /** The item went out: {@code deviceClass} "A", "B" or "C", the window, the gateway and its TX_ACK. */
    public static ApplicationEvent sent(String applicationId, Eui64 devEui, QueuedDownlink item, long fCnt,
                                        String deviceClass, DownlinkOutcome outcome) {
        JsonObject json = item(devEui, item).put("f_cnt", fCnt).put("class", deviceClass)
                .put("window", outcome.window()).put("tx_ack", outcome.result().status().name());
        outcome.gateway().ifPresent(gateway -> json.put("gateway_id", gateway.toString()));
        if (!outcome.result().detail().isEmpty()) {
            json.put("tx_ack_detail", outcome.result().detail());
        }
        return new ApplicationEvent(SENT, Optional.of(applicationId), json);
    }

    public static ApplicationEvent ack(String applicationId, Eui64 devEui, PendingAck pending) {
        return new ApplicationEvent(ACK, Optional.of(applicationId), item(devEui, pending.item())
                .put("f_cnt", pending.fCnt()));
    }

    /**
     * The device did not acknowledge: its next uplink came without ACK, or the Class B/C timeout passed.
     *
     * @param retry whether the item was queued again for another attempt
     */
    public static ApplicationEvent nack(String applicationId, Eui64 devEui, PendingAck pending, String reason,
                                        boolean retry) {
        return new ApplicationEvent(NACK, Optional.of(applicationId), item(devEui, pending.item())
                .put("f_cnt", pending.fCnt()).put("reason", reason).put("attempts", pending.item().attempts() + 1)
                .put("retry", retry));
    }

    /** The item left the queue without going out; {@code reason} is a short word, {@code description} says more. */
    public static ApplicationEvent failed(String applicationId, Eui64 devEui, QueuedDownlink item, String reason,
                                          String description) {
        return new ApplicationEvent(FAILED, Optional.of(applicationId), item(devEui, item).put("reason", reason)
                .put("description", description));
    }

    private static JsonObject item(Eui64 devEui, QueuedDownlink item) {
        return new JsonObject().put("dev_eui", devEui.toString()).put("id", item.id().toString())
                .put("f_port", item.fPort()).put("confirmed", item.confirmed());
    }
}
