package net.lorawanns.core.pipeline;

import io.vertx.core.Future;
import java.time.Instant;
import net.lorawanns.core.events.EventSink;
import net.lorawanns.core.queue.DownlinkEvents;
import net.lorawanns.core.queue.DownlinkQueue;
import net.lorawanns.core.queue.PendingAck;
import net.lorawanns.core.queue.QueuedDownlink;

/**
 * The device's answer to the confirmed downlink that waited for its next uplink: the frame's ACK bit acknowledges it
 * (LoRaWAN 1.0.4 section 4.3.1.2), a new frame without it does not. Unacknowledged, the item goes back to the head
 * of the queue while {@code downlink.confirmed_retries} allows, as a fresh frame with the next counter; an item the
 * application encrypted with its own counter cannot be sent again and is given up. Runs on the pipeline's event loop.
 */
final class DownlinkAcks implements DataStep {
    private final DownlinkQueue queue;
    private final EventSink events;
    private final int confirmedRetries;

    DownlinkAcks(DownlinkQueue queue, EventSink events, int confirmedRetries) {
        this.queue = queue;
        this.events = events;
        this.confirmedRetries = confirmedRetries;
    }

    @Override
    public Future<Next> apply(DataUplink uplink) {
        if (!uplink.isNew() || uplink.counterStep.pendingAck().isEmpty()) {
            return GO_ON;
        }
        PendingAck pending = uplink.counterStep.pendingAck().get();
        String applicationId = uplink.device.applicationId();
        if (uplink.frame.fCtrl().ack()) {
            events.publish(DownlinkEvents.ack(applicationId, uplink.device.devEui(), pending));
            return GO_ON;
        }
        QueuedDownlink item = pending.item();
        boolean retry = item.encryption().isEmpty() && item.attempts() < confirmedRetries
                && !item.expired(Instant.now());
        events.publish(DownlinkEvents.nack(applicationId, uplink.device.devEui(), pending, "no_ack_in_next_uplink",
                retry));
        if (!retry) {
            return GO_ON;
        }
        return queue.requeue(uplink.device.devEui(), item.retried()).map(v -> {
            uplink.queueLength++;
            return Next.CONTINUE;
        });
    }
}
