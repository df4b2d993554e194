package net.lorawanns.core.gateway;

import java.time.Instant;
import net.lorawanns.core.types.Eui64;

/**
 * How one gateway antenna heard a frame. Optional values are null when the gateway did not report them.
 *
 * @param gatewayEui the gateway
 * @param tmst the gateway's 32-bit microsecond counter at the end of reception; downlinks are timed against it
 * @param time UTC time of reception (gateways with a GPS or NTP clock)
 * @param gpsTimeMillis milliseconds since the GPS epoch (GPS-synchronised gateways)
 * @param fineTimestampNanos nanoseconds since the last PPS pulse (fine-timestamping gateways)
 * @param channel the concentrator IF channel
 * @param rfChain the concentrator RF chain
 * @param antenna the antenna index (0 unless the gateway reports per-antenna signals)
 * @param rssi channel RSSI in dBm
 * @param signalRssi signal RSSI in dBm
 * @param snr LoRa SNR in dB (null for FSK)
 * @param frequencyOffsetHz measured frequency offset
 * @param receivedAt when the datagram reached this server
 */
public record RxInfo(Eui64 gatewayEui, long tmst, Instant time, Long gpsTimeMillis, Long fineTimestampNanos,
                     int channel, int rfChain, int antenna, int rssi, Integer signalRssi, Double snr,
                     Integer frequencyOffsetHz, Instant receivedAt) {
}
