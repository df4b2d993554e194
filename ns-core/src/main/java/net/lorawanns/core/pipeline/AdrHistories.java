package net.lorawanns.core.pipeline;

import net.lorawanns.core.adr.UplinkHistory;
import net.lorawanns.core.types.Eui64;

/**
 * The uplink history each device's last frame left ({@link AdrStep}), kept with its text: the next frame finds that
 * text in the MAC state it reads, and needs no parse of twenty entries when it is the same. Direct-mapped by DevEUI, so
 * bounded ({@value #SLOTS} devices, about 1.2 KB each with a full history: some 5 MB per pipeline); a device that takes
 * another's slot costs that one a parse. Confined to the pipeline's event loop: with several
 * ({@code pipeline_event_loops}), a device's frames are spread over them by their deduplication key, and each finds its
 * pipeline's history for that device less often.
 */
final class AdrHistories {
    private static final int SLOTS = 4_096;

    private record Kept(Eui64 devEui, UplinkHistory history) {
    }

    private final Kept[] slots = new Kept[SLOTS];

    /** The history stored as {@code text}; empty for an empty or malformed text (ADR starts afresh). */
    UplinkHistory of(Eui64 devEui, String text) {
        if (text.isEmpty()) {
            return UplinkHistory.empty();
        }
        Kept kept = slots[slot(devEui)];
        if (kept != null && kept.devEui().equals(devEui) && kept.history().encode().equals(text)) {
            return kept.history();
        }
        try {
            return UplinkHistory.parse(text);
        } catch (IllegalArgumentException e) {
            return UplinkHistory.empty();
        }
    }

    /** Keeps the history the device's frame left, for its next frame. */
    void keep(Eui64 devEui, UplinkHistory history) {
        slots[slot(devEui)] = new Kept(devEui, history);
    }

    private static int slot(Eui64 devEui) {
        int hash = Long.hashCode(devEui.value());
        return (hash ^ (hash >>> 16)) & (SLOTS - 1);
    }
}
