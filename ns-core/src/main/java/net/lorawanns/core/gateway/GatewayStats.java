package net.lorawanns.core.gateway;

import java.time.Instant;
import net.lorawanns.core.types.Eui64;

/**
 * A gateway's periodic status report; values the gateway did not send are null.
 *
 * @param time the gateway's own clock
 * @param rxReceived radio packets received since the last report
 * @param rxOk of those, with a valid PHY CRC
 * @param rxForwarded radio packets forwarded
 * @param ackRatio percentage of upstream datagrams acknowledged
 * @param downlinkReceived downlink datagrams received
 * @param txEmitted packets emitted
 * @param temperature degrees Celsius
 */
public record GatewayStats(Eui64 gatewayEui, Instant time, Double latitude, Double longitude, Integer altitude,
                           Long rxReceived, Long rxOk, Long rxForwarded, Double ackRatio, Long downlinkReceived,
                           Long txEmitted, Double temperature) {
}
