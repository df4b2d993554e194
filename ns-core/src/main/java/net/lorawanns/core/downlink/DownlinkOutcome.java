package net.lorawanns.core.downlink;

import java.util.Locale;
import java.util.Optional;
import net.lorawanns.core.gateway.TxResult;
import net.lorawanns.core.gateway.TxStatus;
import net.lorawanns.core.types.Eui64;

/**
 * How a downlink went.
 *
 * @param window "rx1", "rx2" (Class A), "class_c", "ping_slot" (Class B), or "none" when it was not sent
 * @param gateway the gateway that transmitted (or last tried), if any could be tried
 * @param result the gateway's acknowledgement, or why the server did not send (TOO_LATE, DUTY_CYCLE,
 *               GATEWAY_UNAVAILABLE); for "none", that of the last window tried
 */
public record DownlinkOutcome(String window, Optional<Eui64> gateway, TxResult result) {
    public static final String NONE = "none";

    public boolean sent() {
        return !NONE.equals(window);
    }

    /**
     * Sent, or possibly sent: the gateway's TX_ACK never came ({@link TxStatus#NO_ACK}), so the frame may be on air.
     * A queue item in such a frame is taken as sent, never sent again under another counter.
     */
    public boolean mayHaveGone() {
        return sent() || result.status() == TxStatus.NO_ACK;
    }

    /**
     * Why it was not sent, for an event: {@code too_late}, {@code duty_cycle}, {@code gateway_unavailable}, or the
     * gateway's TX_ACK error in lower case ({@code collision_packet}, {@code tx_freq}, {@code no_ack}, ...); empty
     * when it was sent.
     */
    public String reason() {
        return sent() ? "" : result.status().name().toLowerCase(Locale.ROOT);
    }
}
