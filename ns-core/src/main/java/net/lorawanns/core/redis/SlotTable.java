package net.lorawanns.core.redis;

import io.vertx.redis.client.Response;
import java.util.Arrays;

/**
 * Which master serves each hash slot of a Redis Cluster, as a {@code CLUSTER SLOTS} reply gives it: each range of
 * slots with its master first ({@code [first, last, [host, port, id], replicas...]}). A master is named by its
 * {@code host:port}; a master that announces no host (an empty one) is on the host of the node that answered.
 */
final class SlotTable {
    private final String[] masters = new String[HashSlot.SLOTS];
    private final String any;

    private SlotTable(Response slots, String answeringHost) {
        String first = null;
        for (Response range : slots) {
            Response master = range.get(2);
            String host = master.get(0) == null ? "" : master.get(0).toString();
            String endpoint = (host.isEmpty() ? answeringHost : host) + ":" + master.get(1).toInteger();
            Arrays.fill(masters, range.get(0).toInteger(), range.get(1).toInteger() + 1, endpoint);
            first = first == null ? endpoint : first;
        }
        if (first == null) {
            throw new IllegalStateException("CLUSTER SLOTS names no master: the cluster serves no slot");
        }
        any = first;
    }

    /** The table of a {@code CLUSTER SLOTS} reply from a node on {@code answeringHost}. */
    static SlotTable of(Response slots, String answeringHost) {
        return new SlotTable(slots, answeringHost);
    }

    /** The master of {@code slot}, or any master when no master serves it (the master then answers with an error). */
    String masterOf(int slot) {
        String master = masters[slot];
        return master == null ? any : master;
    }

    /** A master, for requests that name no key. */
    String anyMaster() {
        return any;
    }
}
