package net.lorawanns.core.region;

/**
 * How long a LoRaWAN frame occupies the channel, for duty-cycle accounting.
 *
 * <p>LoRa, from the Semtech SX1276 datasheet section 4.1.1.7 (also Semtech AN1200.13): with symbol time
 * Tsym = 2^SF / BW, a preamble of 8 symbols (LoRaWAN's) lasts (8 + 4.25) Tsym, and the payload
 * 8 + max(ceil((8 PL - 4 SF + 28 + 16 CRC - 20 IH) / (4 (SF - 2 DE))) (CR + 4), 0) symbols; LoRaWAN uses the
 * explicit header (IH = 0) and coding rate 4/5 (CR = 1), a PHY CRC on uplinks only (CRC = 0 for downlinks,
 * LoRaWAN 1.0.4 section 4), and the low-data-rate optimisation (DE = 1) where a symbol lasts 16 ms or more (SF11
 * and SF12 at 125 kHz).
 *
 * <p>FSK, as RP002-1.0.4 section 2 defines LoRaWAN's FSK frame: a 5-byte preamble, a 3-byte sync word, a length
 * byte, the PHYPayload and a 2-byte CRC, each bit lasting 1 / bitrate.
 */
public final class TimeOnAir {
    private static final int LORAWAN_PREAMBLE_SYMBOLS = 8;
    private static final int CODING_RATE_4_5 = 1;
    private static final double LOW_DATA_RATE_SYMBOL_SECONDS = 0.016;
    private static final int FSK_OVERHEAD_BYTES = 5 + 3 + 1 + 2;

    private TimeOnAir() {
    }

    /** Microseconds on air of a downlink (no PHY CRC on LoRa) of {@code phyPayloadBytes} at {@code dataRate}. */
    public static long downlinkMicros(DataRate dataRate, int phyPayloadBytes) {
        return micros(dataRate, phyPayloadBytes, false);
    }

    /** Microseconds on air of a frame of {@code phyPayloadBytes}, with or without the LoRa PHY CRC. */
    public static long micros(DataRate dataRate, int phyPayloadBytes, boolean loraCrc) {
        if (phyPayloadBytes < 0) {
            throw new IllegalArgumentException("a payload has 0 bytes or more, got " + phyPayloadBytes);
        }
        if (dataRate instanceof DataRate.Fsk fsk) {
            return ceilDiv(8L * (FSK_OVERHEAD_BYTES + phyPayloadBytes) * 1_000_000L, fsk.bitrate());
        }
        DataRate.LoRa lora = (DataRate.LoRa) dataRate;
        int sf = lora.spreadingFactor();
        double symbolSeconds = (double) (1L << sf) / lora.bandwidthHz();
        int de = symbolSeconds >= LOW_DATA_RATE_SYMBOL_SECONDS ? 1 : 0;
        int crc = loraCrc ? 1 : 0;
        long numerator = 8L * phyPayloadBytes - 4L * sf + 28 + 16L * crc;
        long denominator = 4L * (sf - 2L * de);
        long payloadSymbols = 8 + Math.max(ceilDiv(numerator, denominator) * (CODING_RATE_4_5 + 4), 0);
        // In quarter symbols, so that the preamble's 4.25 symbols stay exact: 1 symbol = 2^SF / BW seconds.
        long quarterSymbols = 4L * (LORAWAN_PREAMBLE_SYMBOLS + payloadSymbols) + 17;
        return ceilDiv(quarterSymbols * (1L << sf) * 1_000_000L, 4L * lora.bandwidthHz());
    }

    private static long ceilDiv(long numerator, long denominator) {
        return -Math.floorDiv(-numerator, denominator);
    }
}
