package net.lorawanns.core.pipeline;

import io.vertx.core.Future;
import java.util.OptionalLong;
import net.lorawanns.core.device.SessionStore;
import net.lorawanns.core.queue.QueueHead;
import net.lorawanns.core.queue.QueuedDownlink;
import net.lorawanns.core.types.Eui64;

/**
 * The downlink counter a queued item goes out with, in every class: AFCntDown in a LoRaWAN 1.1 session, FCntDown in
 * 1.0 (section 4.3.1.5); exactly the application's counter for a payload it encrypted itself, while the session's
 * counter has not passed it. Such an item cannot be sent with another counter: it is dropped, with its event, when
 * its counter passed or its frame did not go out. Runs on the pipeline's event loop.
 */
final class ItemCounter {
    private final SessionStore sessions;
    private final QueueHead heads;

    ItemCounter(SessionStore sessions, QueueHead heads) {
        this.sessions = sessions;
        this.heads = heads;
    }

    /** The counter; empty when the application's counter is passed (the item is dropped then). */
    Future<OptionalLong> take(String applicationId, Eui64 devEui, boolean lorawan11, QueuedDownlink item) {
        if (item.applicationFCnt().isEmpty()) {
            return sessions.nextFCntDown(devEui, lorawan11).map(OptionalLong::of);
        }
        long fCnt = item.applicationFCnt().getAsLong();
        return sessions.useFCntDown(devEui, lorawan11, fCnt).compose(used -> used
                ? Future.succeededFuture(OptionalLong.of(fCnt))
                : heads.drop(applicationId, devEui, item, "f_cnt_used", "the downlink counter is past " + fCnt
                        + ", the FCnt the application encrypted it with").map(OptionalLong.empty()));
    }

    /**
     * The item's frame did not go out: an item the application encrypted is dropped (its counter is used); the
     * others wait for another attempt. True when the item was dropped.
     */
    Future<Boolean> notSent(String applicationId, Eui64 devEui, QueuedDownlink item, long fCnt, String reason) {
        if (item.encryption().isEmpty()) {
            return Future.succeededFuture(false);
        }
        return heads.drop(applicationId, devEui, item, "not_sent", "the gateway did not send it (" + reason
                + "), and its FCnt " + fCnt + " is used: enqueue it again with a new one").map(true);
    }
}
