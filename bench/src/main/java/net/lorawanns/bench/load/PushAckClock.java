package net.lorawanns.bench.load;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Times each PUSH_DATA to its PUSH_ACK. Every datagram of a run carries its own token (its index modulo 65,536), and
 * all simulated gateways share one socket, so the token alone names the datagram a PUSH_ACK answers (PROTOCOL.TXT
 * section 3.3: the PUSH_ACK carries the PUSH_DATA's token and nothing else). A datagram still unanswered when its
 * token comes round again, 65,536 datagrams later (2.2 s at 30,000/s), counts as never answered.
 *
 * <p>{@link #sent} and {@link #acked} are called by one thread, {@link PushDataSender}'s event loop; {@link #missing}
 * by any while it runs, the results once it has stopped.
 */
final class PushAckClock {
    private final AtomicLongArray sentAt = new AtomicLongArray(1 << 16);
    private final Latencies roundTrips;
    private long overtaken;
    private long unmatched;

    /**
     * @param datagrams the datagrams the phase sends: room for each one's round trip is made now, not while sending (a
     *                  growing array brought the generator collections of up to 19 ms in a measured phase, run Q30a)
     */
    PushAckClock(int datagrams) {
        this.roundTrips = new Latencies(datagrams);
    }

    void sent(int token, long nowNanos) {
        if (sentAt.getAndSet(token, nowNanos) != 0) {
            overtaken++;
        }
    }

    void acked(int token, long nowNanos) {
        long sent = sentAt.getAndSet(token, 0);
        if (sent == 0) {
            unmatched++;
        } else {
            roundTrips.add(nowNanos - sent);
        }
    }

    /** Datagrams whose PUSH_ACK has not come (yet). */
    long missing() {
        long waiting = 0;
        for (int i = 0; i < sentAt.length(); i++) {
            if (sentAt.get(i) != 0) {
                waiting++;
            }
        }
        return overtaken + waiting;
    }

    /** PUSH_ACKs whose token no datagram was waiting on: duplicates, or answers to a datagram counted missing. */
    long unmatched() {
        return unmatched;
    }

    Latencies roundTrips() {
        return roundTrips;
    }
}
