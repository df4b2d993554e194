package net.lorawanns.core.device;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import net.lorawanns.core.region.RegParamsRevisions;
import net.lorawanns.core.types.MacVersion;
import net.lorawanns.core.types.RegParamsRevision;

/**
 * The settings one device works with: its profile's, each one the profile leaves out taken from the network's
 * defaults for the profile's region; a device without a profile has the defaults of the network's region. The
 * pipeline and the MAC layer ask this one object rather than the profile and the configuration apart. A pure value:
 * any thread.
 *
 * @param profileId the profile the settings come from; empty for a device without one
 * @param macVersion the device record's (a profile that devices hold keeps the same one)
 * @param channels the profile's extra channels or sub-bands; both empty: the network's
 * @param adr ADR on or off and its limits, every limit filled in
 * @param maxEirpDbm the device's highest EIRP in dBm: its profile's, never above the region's default
 * @param devStatusInterval how often to send DevStatusReq; empty: never
 * @param mac the MAC parameters the profile sets (duty cycle, ADR_ACK, rejoin); none without a profile
 * @param classCTimeout how long a confirmed Class C downlink waits for the device's ACK
 * @param classBTimeout how long a confirmed Class B downlink waits for the device's ACK after its ping slot
 */
public record EffectiveProfile(Optional<String> profileId, String regionId, MacVersion macVersion,
                               RegParamsRevision regParamsRevision, DeviceProfile.Classes classes, int rx1Delay,
                               int rx1DrOffset, int rx2DataRate, long rx2Frequency, DeviceProfile.Channels channels,
                               boolean supports32BitFCnt, Adr adr, double maxEirpDbm,
                               Optional<Duration> devStatusInterval, DeviceProfile.MacParams mac,
                               Duration classCTimeout, Duration classBTimeout) {
    /** NbTrans of LinkADRReq has four bits; 0 keeps the device's current value, so 15 transmissions at most. */
    private static final int MAX_NB_TRANS = 15;

    /**
     * ADR as the algorithm applies it.
     *
     * @param minDr the lowest uplink data rate ADR may set: the profile's, within the region's range
     * @param maxDr the highest: the profile's, within the region's range, never below {@code minDr}
     * @param nbTransMax the most transmissions of an uplink ADR may ask for; absent from the profile: 15, the
     *                   highest NbTrans (the algorithm keeps to its own limit below it)
     */
    public record Adr(boolean enabled, String algorithm, int minDr, int maxDr, double installationMarginDb,
                      int nbTransMax) {
    }

    public EffectiveProfile {
        Objects.requireNonNull(profileId, "profileId");
        Objects.requireNonNull(classes, "classes");
        Objects.requireNonNull(channels, "channels");
        Objects.requireNonNull(devStatusInterval, "devStatusInterval");
    }

    /**
     * The device's settings. Fails with an {@link IllegalArgumentException} when the profile's region is not one the
     * network serves (it was served when the profile was written).
     *
     * @param profile the profile the device names, if it has one and it was found
     */
    public static EffectiveProfile of(Device device, Optional<DeviceProfile> profile, NetworkDefaults network) {
        if (profile.isEmpty()) {
            RegionDefaults region = network.of(network.region());
            return new EffectiveProfile(Optional.empty(), region.regionId(), device.macVersion(),
                    RegParamsRevisions.defaultFor(device.macVersion()),
                    new DeviceProfile.Classes(false, false, OptionalInt.empty()),
                    region.rx1Delay(), region.rx1DrOffset(), region.rx2DataRate(), region.rx2Frequency(),
                    new DeviceProfile.Channels(List.of(), List.of()), true,
                    new Adr(true, DeviceProfile.Adr.DEFAULT_ALGORITHM, region.adrMinDr(), region.adrMaxDr(),
                            DeviceProfile.Adr.DEFAULT_INSTALLATION_MARGIN_DB, MAX_NB_TRANS),
                    region.maxEirpDbm(), Optional.empty(), DeviceProfile.MacParams.NONE,
                    DeviceProfile.DEFAULT_CLASS_C_TIMEOUT, DeviceProfile.DEFAULT_CLASS_B_TIMEOUT);
        }
        DeviceProfile p = profile.get();
        RegionDefaults region = network.of(p.regionId());
        DeviceProfile.RxParams rx = p.rx();
        DeviceProfile.Adr adr = p.adr();
        int maxDr = Math.min(adr.maxDr().orElse(region.adrMaxDr()), region.adrMaxDr());
        int minDr = Math.min(Math.max(adr.minDr().orElse(region.adrMinDr()), region.adrMinDr()), maxDr);
        return new EffectiveProfile(Optional.of(p.id()), p.regionId(), device.macVersion(), p.regParamsRevision(),
                p.classes(), rx.rx1Delay().orElse(region.rx1Delay()), rx.rx1DrOffset().orElse(region.rx1DrOffset()),
                rx.rx2DataRate().orElse(region.rx2DataRate()), rx.rx2Frequency().orElse(region.rx2Frequency()),
                p.channels(), p.supports32BitFCnt(),
                new Adr(adr.enabled(), adr.algorithm(), minDr, maxDr, adr.installationMarginDb(),
                        adr.nbTransMax().orElse(MAX_NB_TRANS)),
                Math.min(p.maxEirpDbm().orElse(region.maxEirpDbm()), region.maxEirpDbm()), p.devStatusInterval(),
                p.mac(), p.classCTimeout().orElse(DeviceProfile.DEFAULT_CLASS_C_TIMEOUT),
                p.classBTimeout().orElse(DeviceProfile.DEFAULT_CLASS_B_TIMEOUT));
    }
}
