package net.lorawanns.core.mac;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.SortedSet;

/**
 * What the network wants a device's MAC settings to be, from its region's channel plan, its device profile and the
 * ADR algorithm; {@link MacPlanner} sends the requests that move the device's {@link MacState} there.
 *
 * @param channels the uplink channel indices the device should have enabled
 * @param channelMasks the LinkADRReq ChMaskCntl/ChMask pairs, in order, that leave a device with {@code channels}
 * @param extraChannels dynamic plans: the channels beyond the region's defaults, by index (NewChannelReq); empty for
 *                      fixed plans
 * @param downlinkChannels dynamic plans: channels whose RX1 is on another frequency than the uplink (DlChannelReq), by
 *                         index, in Hz
 * @param rx the receive-window settings the device should use
 * @param maxDutyCycle the aggregated duty-cycle limit to set (DutyCycleReq), 0 for none
 * @param adrAck ADR_ACK_LIMIT and ADR_ACK_DELAY exponents (ADRParamSetupReq, LoRaWAN 1.1), if the profile sets them
 * @param rejoin periodic rejoin parameters (RejoinParamSetupReq, LoRaWAN 1.1), if the profile sets them
 * @param txParams dwell times and max EIRP (TxParamSetupReq), where the region defines the command and the network
 *                 sets them
 * @param statusInterval how often to ask for DevStatusAns, if at all
 * @param linkAdr the data rate, TX power and NbTrans ADR decided, if it decided a change
 * @param pingSlotChannel Class B: the ping-slot frequency (0: the region's default) and data rate to set
 *                        (PingSlotChannelReq), if the profile sets them
 * @param beaconFrequency Class B: the beacon frequency to set (BeaconFreqReq), if the profile sets one
 */
public record MacTarget(SortedSet<Integer> channels, List<ChannelMask> channelMasks,
                        SortedMap<Integer, NewChannel> extraChannels, SortedMap<Integer, Long> downlinkChannels,
                        MacState.RxSettings rx, int maxDutyCycle,
                        Optional<AdrAck> adrAck, Optional<MacState.RejoinParams> rejoin,
                        Optional<MacState.TxParams> txParams, Optional<Duration> statusInterval,
                        Optional<LinkAdr> linkAdr, Optional<MacState.PingSlotChannel> pingSlotChannel,
                        OptionalLong beaconFrequency) {
    /** One LinkADRReq's channel-mask part. */
    public record ChannelMask(int chMaskCntl, int chMask) {
    }

    /** A channel given with NewChannelReq. */
    public record NewChannel(long frequencyHz, int minDr, int maxDr) {
    }

    /** ADRParamSetupReq's exponents. */
    public record AdrAck(int limitExp, int delayExp) {
    }

    /** LinkADRReq's data rate, TXPower index and NbTrans. */
    public record LinkAdr(int dataRate, int txPowerIndex, int nbTrans) {
    }
}
