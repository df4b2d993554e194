package net.lorawanns.core.queue;

import io.vertx.core.Future;
import java.time.Instant;
import java.util.Optional;
import net.lorawanns.core.device.DeviceSession;
import net.lorawanns.core.events.EventSink;
import net.lorawanns.core.types.Eui64;

/**
 * The next item of a device's queue that can go out in its session, after dropping, with a {@code downlink_failed}
 * event each, those that never can: expired, encrypted by the application for an earlier session, in clear for a
 * session whose AppSKey this server does not hold, or larger than any downlink data rate of the region carries. An
 * item the application encrypted for the session of a join the device has not used yet waits for it.
 */
public final class QueueHead {
    /**
     * The item to send, if any; how many were dropped on the way to it; and whether the head waits for the device's
     * pending session.
     */
    public record Head(Optional<QueuedDownlink> item, int dropped, boolean waits) {
    }

    /** Items dropped in one look at most; the rest wait for the next. */
    private static final int MAX_DROPS = 16;

    private final DownlinkQueue queue;
    private final EventSink events;

    public QueueHead(DownlinkQueue queue, EventSink events) {
        this.queue = queue;
        this.events = events;
    }

    /**
     * @param pendingSessionId the session of a join or rejoin the device has not used yet, if any
     * @param largestPayload the largest FRMPayload any downlink data rate of the device's region carries
     */
    public Future<Head> next(String applicationId, Eui64 devEui, DeviceSession session,
                             Optional<String> pendingSessionId, int largestPayload, Instant now) {
        return next(applicationId, devEui, session, pendingSessionId, largestPayload, now, 0);
    }

    private Future<Head> next(String applicationId, Eui64 devEui, DeviceSession session,
                              Optional<String> pendingSessionId, int largestPayload, Instant now, int dropped) {
        return queue.head(devEui).compose(head -> {
            if (head.isEmpty()) {
                return Future.succeededFuture(new Head(Optional.empty(), dropped, false));
            }
            QueuedDownlink item = head.get();
            boolean forPendingSession = item.encryption().isPresent()
                    && pendingSessionId.equals(Optional.of(item.encryption().get().sessionId()));
            if (forPendingSession) {
                return Future.succeededFuture(new Head(Optional.empty(), dropped, true));
            }
            Optional<String> unsendable = unsendable(item, session, largestPayload, now);
            if (unsendable.isEmpty()) {
                return Future.succeededFuture(new Head(head, dropped, false));
            }
            if (dropped >= MAX_DROPS) {
                return Future.succeededFuture(new Head(Optional.empty(), dropped, true));
            }
            String reason = unsendable.get();
            return drop(applicationId, devEui, item, reason, description(reason, item, largestPayload))
                    .compose(v -> next(applicationId, devEui, session, pendingSessionId, largestPayload, now,
                            dropped + 1));
        });
    }

    /** Removes the item from the head of the queue with a {@code downlink_failed} event, unless it is gone. */
    public Future<Void> drop(String applicationId, Eui64 devEui, QueuedDownlink item, String reason,
                             String description) {
        return queue.take(devEui, item.id(), Optional.empty()).map(left -> {
            if (left.isPresent()) {
                events.publish(DownlinkEvents.failed(applicationId, devEui, item, reason, description));
            }
            return null;
        });
    }

    private static Optional<String> unsendable(QueuedDownlink item, DeviceSession session, int largestPayload,
                                               Instant now) {
        if (item.expired(now)) {
            return Optional.of("expired");
        }
        if (item.encryption().isPresent() && !item.encryption().get().sessionId().equals(session.id())) {
            return Optional.of("session_changed");
        }
        if (item.encryption().isEmpty() && session.appSKey().isEmpty()) {
            return Optional.of("no_app_s_key");
        }
        if (item.size() > largestPayload) {
            return Optional.of("too_large");
        }
        return Optional.empty();
    }

    private static String description(String reason, QueuedDownlink item, int largestPayload) {
        return switch (reason) {
            case "expired" -> "expired at " + item.expiresAt().orElseThrow() + " before it could go out";
            case "session_changed" -> "encrypted by the application for a session the device no longer uses";
            case "no_app_s_key" -> "the device's session has no AppSKey on this server: enqueue it encrypted";
            default -> item.size() + " bytes, and no downlink data rate of the device's region carries more than "
                    + largestPayload;
        };
    }
}
