package net.lorawanns.core.device;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.SortedSet;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import net.lorawanns.config.RegionId;
import net.lorawanns.core.region.Channel;
import net.lorawanns.core.region.Region;
import net.lorawanns.core.region.Regions;
import net.lorawanns.core.types.MacVersion;
import net.lorawanns.core.types.RegParamsRevision;

/**
 * What devices of one kind have in common, as their maker states it: region, LoRaWAN and Regional Parameters
 * versions, classes, receive windows, channels, ADR limits and the MAC requests the network makes of them. A setting
 * left out is the network's (see {@link EffectiveProfile}). The JSON form ({@link #fromJson}, {@link #toJson}) is the
 * API's and the stored one.
 *
 * @param regionId the configuration name of the region, e.g. {@code eu868}
 * @param supports32BitFCnt the device keeps a 32-bit uplink counter (false: 16 bits, the high half always 0)
 * @param maxEirpDbm the highest EIRP the device can transmit with, in dBm; empty: the region's default
 * @param devStatusInterval how often the network asks the device for its battery and margin (DevStatusReq); empty:
 *                          never
 * @param classCTimeout how long a confirmed Class C downlink waits for the device's ACK before it counts as
 *                      unacknowledged; empty: {@link #DEFAULT_CLASS_C_TIMEOUT}
 * @param classBTimeout how long a confirmed Class B downlink waits for the device's ACK after its ping slot; empty:
 *                      {@link #DEFAULT_CLASS_B_TIMEOUT}
 */
public record DeviceProfile(String id, String regionId, MacVersion macVersion, RegParamsRevision regParamsRevision,
                            Classes classes, RxParams rx, Channels channels, boolean supports32BitFCnt, Adr adr,
                            OptionalDouble maxEirpDbm, Optional<Duration> devStatusInterval, MacParams mac,
                            Optional<Duration> classCTimeout, Optional<Duration> classBTimeout) {
    /** ChirpStack's default for its device profiles' Class C confirmed-downlink timeout. */
    public static final Duration DEFAULT_CLASS_C_TIMEOUT = Duration.ofSeconds(5);
    /** The same for Class B, counted from the ping slot: the device answers in an uplink of its own. */
    public static final Duration DEFAULT_CLASS_B_TIMEOUT = Duration.ofSeconds(5);
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final int MAX_DYNAMIC_CHANNELS = 16;
    private static final Set<String> FIELDS = Set.of("device_profile_id", "region", "mac_version",
            "reg_params_revision", "supports_class_b", "supports_class_c", "class_b_ping_slot_periodicity",
            "class_b_ping_slot_frequency", "class_b_ping_slot_dr", "class_b_beacon_frequency",
            "rx1_delay", "rx1_dr_offset", "rx2_dr", "rx2_frequency", "extra_channels", "sub_bands",
            "supports_32bit_fcnt", "adr_enabled", "adr_algorithm", "adr_min_dr", "adr_max_dr",
            "adr_installation_margin", "nb_trans_max", "max_eirp", "dev_status_interval", "max_duty_cycle",
            "adr_ack_limit_exp", "adr_ack_delay_exp", "rejoin_max_time_n", "rejoin_max_count_n",
            "class_c_timeout", "class_b_timeout");
    /** The MaxEIRP table of TxParamSetupReq (TS001) ends at 36 dBm. */
    private static final double MAX_EIRP_DBM = 36;
    private static final long MAX_DEV_STATUS_INTERVAL_SECONDS = Duration.ofDays(366).toSeconds();

    /**
     * The classes a device supports besides A.
     *
     * @param pingSlotPeriodicity class B: a ping slot every 2^periodicity seconds (0-7, as in TS001's
     *                            PingSlotInfoReq) until the device announces its own; present exactly when
     *                            {@code classB}
     * @param pingSlotFrequency class B: the ping-slot frequency in Hz the network sets (PingSlotChannelReq); empty:
     *                          the region's default
     * @param pingSlotDataRate class B: the ping-slot data rate the network sets (PingSlotChannelReq); empty: the
     *                         region's default
     * @param beaconFrequency class B: the beacon frequency in Hz the network sets (BeaconFreqReq), where its gateways
     *                        send beacons on another frequency than the region's; empty: the region's
     */
    public record Classes(boolean classB, boolean classC, OptionalInt pingSlotPeriodicity,
                          OptionalLong pingSlotFrequency, OptionalInt pingSlotDataRate, OptionalLong beaconFrequency) {
        public Classes {
            Objects.requireNonNull(pingSlotPeriodicity, "pingSlotPeriodicity");
            Objects.requireNonNull(pingSlotFrequency, "pingSlotFrequency");
            Objects.requireNonNull(pingSlotDataRate, "pingSlotDataRate");
            Objects.requireNonNull(beaconFrequency, "beaconFrequency");
            if (classB != pingSlotPeriodicity.isPresent()) {
                throw new IllegalArgumentException("class_b_ping_slot_periodicity: required with supports_class_b "
                        + "true, and only then");
            }
            String classBOnly = pingSlotFrequency.isPresent() ? "class_b_ping_slot_frequency"
                    : pingSlotDataRate.isPresent() ? "class_b_ping_slot_dr"
                    : beaconFrequency.isPresent() ? "class_b_beacon_frequency" : null;
            if (!classB && classBOnly != null) {
                throw new IllegalArgumentException(classBOnly + ": only with supports_class_b true");
            }
        }

        /** Without the Class B channel settings: the region's ping-slot channel and beacon frequency. */
        public Classes(boolean classB, boolean classC, OptionalInt pingSlotPeriodicity) {
            this(classB, classC, pingSlotPeriodicity, OptionalLong.empty(), OptionalInt.empty(), OptionalLong.empty());
        }
    }

    /**
     * MAC parameters the network sets with a request of their own; each empty one is left as the device has it.
     *
     * @param maxDutyCycle DutyCycleReq's MaxDutyCycle: an aggregated duty cycle of 1/2^n (0: no limit; 0-15)
     * @param adrAckLimitExp ADRParamSetupReq (LoRaWAN 1.1): ADR_ACK_LIMIT = 2^n (0-15); with {@code adrAckDelayExp}
     * @param adrAckDelayExp ADRParamSetupReq: ADR_ACK_DELAY = 2^n (0-15); with {@code adrAckLimitExp}
     * @param rejoinMaxTimeN RejoinParamSetupReq (LoRaWAN 1.1): a type 0 rejoin-request every 2^(n+10) s (0-15)
     * @param rejoinMaxCountN RejoinParamSetupReq: and every 2^(n+4) uplinks (0-15); with {@code rejoinMaxTimeN}
     */
    public record MacParams(OptionalInt maxDutyCycle, OptionalInt adrAckLimitExp, OptionalInt adrAckDelayExp,
                            OptionalInt rejoinMaxTimeN, OptionalInt rejoinMaxCountN) {
        public static final MacParams NONE = new MacParams(OptionalInt.empty(), OptionalInt.empty(),
                OptionalInt.empty(), OptionalInt.empty(), OptionalInt.empty());

        public MacParams {
            if (adrAckLimitExp.isPresent() != adrAckDelayExp.isPresent()) {
                throw new IllegalArgumentException("adr_ack_delay_exp: is given together with adr_ack_limit_exp "
                        + "(ADRParamSetupReq carries both)");
            }
            if (rejoinMaxTimeN.isPresent() != rejoinMaxCountN.isPresent()) {
                throw new IllegalArgumentException("rejoin_max_count_n: is given together with rejoin_max_time_n "
                        + "(RejoinParamSetupReq carries both)");
            }
        }
    }

    /**
     * The receive windows the device is to use; each empty one is the network's.
     *
     * @param rx1Delay seconds from the end of an uplink to RX1 (1-15, as RXTimingSetupReq sets it)
     * @param rx1DrOffset the RX1 data-rate offset (0-7: three bits of DLSettings)
     * @param rx2DataRate the RX2 data rate (0-15)
     * @param rx2Frequency the RX2 frequency in Hz
     */
    public record RxParams(OptionalInt rx1Delay, OptionalInt rx1DrOffset, OptionalInt rx2DataRate,
                           OptionalLong rx2Frequency) {
        public RxParams {
            Objects.requireNonNull(rx1Delay, "rx1Delay");
            Objects.requireNonNull(rx1DrOffset, "rx1DrOffset");
            Objects.requireNonNull(rx2DataRate, "rx2DataRate");
            Objects.requireNonNull(rx2Frequency, "rx2Frequency");
        }
    }

    /**
     * The channels the device uses beyond the region's defaults: extra uplink frequencies (Hz) in a dynamic plan,
     * or the enabled sub-bands (from 1) of a fixed plan. At most one of the two is given; both empty: the
     * network's channels.
     */
    public record Channels(List<Long> extraFrequencies, List<Integer> subBands) {
        public Channels {
            extraFrequencies = List.copyOf(extraFrequencies);
            subBands = List.copyOf(subBands);
            if (!extraFrequencies.isEmpty() && !subBands.isEmpty()) {
                throw new IllegalArgumentException("sub_bands: a device has either extra_channels (dynamic plans) or "
                        + "sub_bands (fixed plans), not both");
            }
        }
    }

    /**
     * Adaptive data rate: whether the network runs it for the device, with which algorithm and within which
     * limits; an empty limit is the region's.
     *
     * @param algorithm the ID of the ADR algorithm, {@code default} for the standard one
     * @param installationMarginDb the SNR margin (dB) kept above the data rate's demodulation floor
     * @param nbTransMax the most transmissions of each uplink ADR may ask for (NbTrans of LinkADRReq, 1-15)
     */
    public record Adr(boolean enabled, String algorithm, OptionalInt minDr, OptionalInt maxDr,
                      double installationMarginDb, OptionalInt nbTransMax) {
        public static final String DEFAULT_ALGORITHM = "default";
        public static final double DEFAULT_INSTALLATION_MARGIN_DB = 10;

        public Adr {
            Objects.requireNonNull(minDr, "minDr");
            Objects.requireNonNull(maxDr, "maxDr");
            Objects.requireNonNull(nbTransMax, "nbTransMax");
            if (!ID.matcher(algorithm).matches()) {
                throw new IllegalArgumentException("adr_algorithm: must be 1-64 characters of A-Z, a-z, 0-9, '.', "
                        + "'_' and '-', got '" + algorithm + "'");
            }
            if (minDr.isPresent() && maxDr.isPresent() && minDr.getAsInt() > maxDr.getAsInt()) {
                throw new IllegalArgumentException("adr_min_dr: must not be above adr_max_dr (" + maxDr.getAsInt()
                        + "), got " + minDr.getAsInt());
            }
        }
    }

    public DeviceProfile {
        checkId(id);
        Objects.requireNonNull(macVersion, "macVersion");
        Objects.requireNonNull(regParamsRevision, "regParamsRevision");
        Objects.requireNonNull(classes, "classes");
        Objects.requireNonNull(rx, "rx");
        Objects.requireNonNull(adr, "adr");
        Objects.requireNonNull(maxEirpDbm, "maxEirpDbm");
        Objects.requireNonNull(devStatusInterval, "devStatusInterval");
        Objects.requireNonNull(mac, "mac");
        if ((mac.adrAckLimitExp().isPresent() || mac.rejoinMaxTimeN().isPresent())
                && macVersion.compareTo(MacVersion.LORAWAN_1_1_0) < 0) {
            throw new IllegalArgumentException((mac.adrAckLimitExp().isPresent() ? "adr_ack_limit_exp" :
                    "rejoin_max_time_n") + ": ADRParamSetupReq and RejoinParamSetupReq are LoRaWAN 1.1 commands; the "
                    + "profile's mac_version is " + macVersion);
        }
        Region region;
        try {
            // The configuration's names, with its aliases (as923 is AS923-1).
            regionId = RegionId.parse("region", Objects.requireNonNull(regionId, "regionId")).id();
            region = Regions.byId(regionId);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("region: " + e.getMessage(), e);
        }
        rx.rx2Frequency().ifPresent(hz -> checkFrequency(region, "rx2_frequency", hz));
        checkChannels(region, channels);
        classes.pingSlotFrequency().ifPresent(hz -> checkFrequency(region, "class_b_ping_slot_frequency", hz));
        classes.beaconFrequency().ifPresent(hz -> checkFrequency(region, "class_b_beacon_frequency", hz));
        classes.pingSlotDataRate().ifPresent(dr -> checkDownlinkDataRate(region, "class_b_ping_slot_dr", dr));
    }

    /** Checks a profile ID given in a path or a device: 1-64 characters of {@code [A-Za-z0-9._-]}. */
    public static String checkId(String id) {
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException("device_profile_id: must be 1-64 characters of A-Z, a-z, 0-9, '.', "
                    + "'_' and '-'");
        }
        return id;
    }

    /**
     * The profile {@code id} as the JSON gives it; every error names its JSON field, and a field this type does not
     * know is refused. A {@code device_profile_id} in the body, if given, must be {@code id}.
     */
    public static DeviceProfile fromJson(String id, JsonObject json) {
        JsonFields fields = new JsonFields(json, FIELDS);
        fields.string("device_profile_id").filter(given -> !given.equals(id)).ifPresent(given -> {
            throw new IllegalArgumentException("device_profile_id: '" + given + "' is not the profile's ID in the "
                    + "path, '" + id + "'");
        });
        String region = fields.requiredString("region");
        MacVersion macVersion = parsed("mac_version", () -> MacVersion.parse(fields.requiredString("mac_version")));
        RegParamsRevision revision = parsed("reg_params_revision",
                () -> RegParamsRevision.parse(fields.requiredString("reg_params_revision")));
        boolean classB = fields.bool("supports_class_b", false);
        Classes classes = new Classes(classB, fields.bool("supports_class_c", false),
                fields.integer("class_b_ping_slot_periodicity", 0, 7, ""),
                fields.whole("class_b_ping_slot_frequency", Long.MIN_VALUE, Long.MAX_VALUE, ""),
                fields.integer("class_b_ping_slot_dr", 0, 15, ""),
                fields.whole("class_b_beacon_frequency", Long.MIN_VALUE, Long.MAX_VALUE, ""));
        RxParams rx = new RxParams(fields.integer("rx1_delay", 1, 15, " s"), fields.integer("rx1_dr_offset", 0, 7, ""),
                fields.integer("rx2_dr", 0, 15, ""), fields.whole("rx2_frequency", Long.MIN_VALUE, Long.MAX_VALUE, ""));
        Channels channels = new Channels(fields.wholeList("extra_channels", Long.MIN_VALUE, Long.MAX_VALUE, ""),
                fields.wholeList("sub_bands", 1, 64, "").stream().map(Long::intValue).toList());
        Adr adr = new Adr(fields.bool("adr_enabled", true),
                fields.string("adr_algorithm").orElse(Adr.DEFAULT_ALGORITHM),
                fields.integer("adr_min_dr", 0, 15, ""), fields.integer("adr_max_dr", 0, 15, ""),
                fields.number("adr_installation_margin", 0, 30, " dB").orElse(Adr.DEFAULT_INSTALLATION_MARGIN_DB),
                fields.integer("nb_trans_max", 1, 15, ""));
        return new DeviceProfile(id, region, macVersion, revision, classes, rx, channels,
                fields.bool("supports_32bit_fcnt", true), adr, fields.number("max_eirp", 0, MAX_EIRP_DBM, " dBm"),
                devStatusInterval(fields.present("dev_status_interval")),
                new MacParams(fields.integer("max_duty_cycle", 0, 15, ""), fields.integer("adr_ack_limit_exp", 0, 15, ""),
                        fields.integer("adr_ack_delay_exp", 0, 15, ""), fields.integer("rejoin_max_time_n", 0, 15, ""),
                        fields.integer("rejoin_max_count_n", 0, 15, "")),
                seconds(fields.integer("class_c_timeout", 1, 3600, " s")),
                seconds(fields.integer("class_b_timeout", 1, 3600, " s")));
    }

    private static Optional<Duration> seconds(OptionalInt seconds) {
        return seconds.stream().mapToObj(Duration::ofSeconds).findFirst();
    }

    public JsonObject toJson() {
        JsonObject json = new JsonObject().put("device_profile_id", id).put("region", regionId)
                .put("mac_version", macVersion.toString()).put("reg_params_revision", regParamsRevision.toString())
                .put("supports_class_b", classes.classB()).put("supports_class_c", classes.classC());
        classes.pingSlotPeriodicity().ifPresent(p -> json.put("class_b_ping_slot_periodicity", p));
        classes.pingSlotFrequency().ifPresent(hz -> json.put("class_b_ping_slot_frequency", hz));
        classes.pingSlotDataRate().ifPresent(dr -> json.put("class_b_ping_slot_dr", dr));
        classes.beaconFrequency().ifPresent(hz -> json.put("class_b_beacon_frequency", hz));
        rx.rx1Delay().ifPresent(s -> json.put("rx1_delay", s));
        rx.rx1DrOffset().ifPresent(o -> json.put("rx1_dr_offset", o));
        rx.rx2DataRate().ifPresent(dr -> json.put("rx2_dr", dr));
        rx.rx2Frequency().ifPresent(hz -> json.put("rx2_frequency", hz));
        if (!channels.extraFrequencies().isEmpty()) {
            json.put("extra_channels", new JsonArray(channels.extraFrequencies()));
        }
        if (!channels.subBands().isEmpty()) {
            json.put("sub_bands", new JsonArray(channels.subBands()));
        }
        json.put("supports_32bit_fcnt", supports32BitFCnt).put("adr_enabled", adr.enabled())
                .put("adr_algorithm", adr.algorithm());
        adr.minDr().ifPresent(dr -> json.put("adr_min_dr", dr));
        adr.maxDr().ifPresent(dr -> json.put("adr_max_dr", dr));
        json.put("adr_installation_margin", adr.installationMarginDb());
        adr.nbTransMax().ifPresent(n -> json.put("nb_trans_max", n));
        maxEirpDbm.ifPresent(dbm -> json.put("max_eirp", dbm));
        devStatusInterval.ifPresent(interval -> json.put("dev_status_interval", interval.toSeconds()));
        mac.maxDutyCycle().ifPresent(n -> json.put("max_duty_cycle", n));
        mac.adrAckLimitExp().ifPresent(n -> json.put("adr_ack_limit_exp", n));
        mac.adrAckDelayExp().ifPresent(n -> json.put("adr_ack_delay_exp", n));
        mac.rejoinMaxTimeN().ifPresent(n -> json.put("rejoin_max_time_n", n));
        mac.rejoinMaxCountN().ifPresent(n -> json.put("rejoin_max_count_n", n));
        classCTimeout.ifPresent(timeout -> json.put("class_c_timeout", timeout.toSeconds()));
        classBTimeout.ifPresent(timeout -> json.put("class_b_timeout", timeout.toSeconds()));
        return json;
    }

    /**
     * Checks that the channels this profile gives its devices are among those the network listens on in its region
     * ({@code served}: the region with its {@code [[regions]]} sub-bands or extra channels). A copy on any other
     * channel is refused on arrival, so a device moved there by LinkADRReq or NewChannelReq would not be heard again.
     *
     * @throws IllegalArgumentException "sub_bands[i]: ..." or "extra_channels[i]: ..."
     */
    public void checkHeardBy(Region served) {
        SortedSet<Integer> heard = served.enabledUplinkChannelIndices();
        for (int i = 0; i < channels.subBands().size(); i++) {
            int subBand = channels.subBands().get(i);
            if (!heard.containsAll(served.withSubBands(Set.of(subBand)).enabledUplinkChannelIndices())) {
                throw new IllegalArgumentException("sub_bands[" + i + "]: this network does not listen on " + regionId
                        + " sub-band " + subBand + " (see its [[regions]] sub_bands): devices there would not be "
                        + "heard");
            }
        }
        List<Channel> all = served.uplinkChannels();
        for (int i = 0; i < channels.extraFrequencies().size(); i++) {
            long hz = channels.extraFrequencies().get(i);
            if (heard.stream().noneMatch(index -> all.get(index).frequencyHz() == hz)) {
                throw new IllegalArgumentException("extra_channels[" + i + "]: this network does not listen on " + hz
                        + " Hz in " + regionId + " (see its [[regions]] extra_channels): devices there would not be "
                        + "heard");
            }
        }
    }

    private static void checkChannels(Region region, Channels channels) {
        if (!region.supportsNewChannelReq()) {
            if (!channels.extraFrequencies().isEmpty()) {
                throw new IllegalArgumentException("extra_channels: " + region.id() + " has a fixed channel plan; "
                        + "give sub_bands");
            }
            for (int i = 0; i < channels.subBands().size(); i++) {
                try {
                    region.withSubBands(Set.of(channels.subBands().get(i)));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("sub_bands[" + i + "]: " + e.getMessage(), e);
                }
            }
            return;
        }
        if (!channels.subBands().isEmpty()) {
            throw new IllegalArgumentException("sub_bands: " + region.id() + " has a dynamic channel plan; give "
                    + "extra_channels (frequencies in Hz)");
        }
        // LinkADRReq's ChMask addresses 16 channels: the region's default ones and the extra ones together.
        int defaults = region.uplinkChannels().size();
        int most = MAX_DYNAMIC_CHANNELS - defaults;
        if (channels.extraFrequencies().size() > most) {
            throw new IllegalArgumentException("extra_channels: " + region.id() + " devices have at most " + most
                    + " channels beside the " + defaults + " default ones, got "
                    + channels.extraFrequencies().size());
        }
        for (int i = 0; i < channels.extraFrequencies().size(); i++) {
            checkFrequency(region, "extra_channels[" + i + "]", channels.extraFrequencies().get(i));
        }
    }

    /** A frequency a device is told travels in 100 Hz steps (NewChannelReq, RXParamSetupReq) within the band. */
    private static void checkFrequency(Region region, String field, long hz) {
        if (!region.inBand(hz) || hz % 100 != 0) {
            throw new IllegalArgumentException(field + ": must be a frequency in Hz within " + region.id()
                    + "'s band, in steps of 100 Hz, got " + hz);
        }
    }

    /** A data rate the region's downlinks use (US915 and AU915 have their own, DR8-DR13). */
    private static void checkDownlinkDataRate(Region region, String field, int dr) {
        boolean downlink;
        try {
            downlink = region.downlinkDataRateIndex(region.dataRate(dr)).orElse(-1) == dr;
        } catch (IllegalArgumentException e) {
            downlink = false;
        }
        if (!downlink) {
            throw new IllegalArgumentException(field + ": " + region.id() + " has no downlink data rate DR" + dr);
        }
    }

    /** Whole seconds (a number) or an ISO-8601 duration such as {@code PT6H}; 0 or absent: never. */
    private static Optional<Duration> devStatusInterval(Object value) {
        String field = "dev_status_interval";
        Duration interval;
        if (value == null) {
            return Optional.empty();
        } else if (value instanceof String text) {
            try {
                interval = Duration.parse(text);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException(field + ": must be whole seconds or an ISO-8601 duration such as "
                        + "PT6H, got '" + text + "'");
            }
        } else {
            interval = Duration.ofSeconds(JsonFields.whole(field, value, 0, MAX_DEV_STATUS_INTERVAL_SECONDS, " s"));
        }
        if (interval.isNegative() || interval.getNano() != 0
                || interval.toSeconds() > MAX_DEV_STATUS_INTERVAL_SECONDS) {
            throw new IllegalArgumentException(field + ": must be whole seconds from 0 to "
                    + MAX_DEV_STATUS_INTERVAL_SECONDS + " (0: never), got " + value);
        }
        return interval.isZero() ? Optional.empty() : Optional.of(interval);
    }

    private static <T> T parsed(String field, Supplier<T> parse) {
        try {
            return parse.get();
        } catch (IllegalArgumentException e) {
            String message = e.getMessage();
            throw new IllegalArgumentException(message.startsWith(field + ":") ? message : field + ": " + message);
        }
    }
}
