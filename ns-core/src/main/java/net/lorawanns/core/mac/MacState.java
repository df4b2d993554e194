package net.lorawanns.core.mac;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import net.lorawanns.core.frame.Direction;
import net.lorawanns.core.frame.MalformedFrameException;
import net.lorawanns.core.types.Hex;

/**
 * What the network server knows of one device session's MAC settings (LoRaWAN 1.0.4 and 1.1 section 5): the values
 * the device uses as far as its answers confirmed them, the requests that wait for an answer, the device's last
 * status, and the uplink history ADR decides from. A session starts from {@link #initial}; the device's answers
 * move it on ({@link MacAnswerHandler}); {@link #with} makes a changed copy. Immutable.
 */
public final class MacState {
    /** RP002-1.0.4, every region: ADR_ACK_LIMIT 64 and ADR_ACK_DELAY 32 until told otherwise. */
    public static final int DEFAULT_ADR_ACK_LIMIT_EXP = 6;
    public static final int DEFAULT_ADR_ACK_DELAY_EXP = 5;
    /** A request is sent this many times without an answer, then given up for the session. */
    public static final int MAX_ATTEMPTS = 3;

    /** The receive windows' settings: RX1 delay in s, RX1DROffset, RX2 data rate and frequency in Hz. */
    public record RxSettings(int rx1Delay, int rx1DrOffset, int rx2DataRate, long rx2Frequency) {
    }

    /** RejoinParamSetupReq's MaxTimeN and MaxCountN (LoRaWAN 1.1 section 5.13). */
    public record RejoinParams(int maxTimeN, int maxCountN) {
    }

    /** TxParamSetupReq's values: the dwell-time limits and the MaxEIRP index. */
    public record TxParams(boolean uplinkDwellTime, boolean downlinkDwellTime, int maxEirpIndex) {
    }

    /**
     * Class B: the ping-slot frequency (0: the region's default, hopping in fixed plans) and data rate the device
     * listens on (LoRaWAN 1.0.4 section 12.3).
     */
    public record PingSlotChannel(long frequencyHz, int dataRate) {
    }

    /** The battery (0 external power, 1-254, 255 unknown) and SNR margin of a DevStatusAns, and when it came. */
    public record DeviceStatus(int battery, int margin, Instant at) {
    }

    /** The fields of a state, to change in {@link #with}. */
    public static final class Fields {
        /** The uplink data rate the device was told to use, or last used; -1 before either. */
        public int dataRate = -1;
        /** The TXPower index in force (0: the maximum EIRP, the device's default). */
        public int txPowerIndex;
        /** Transmissions of each unconfirmed uplink (1-15). */
        public int nbTrans = 1;
        /** The uplink channel indices the device has enabled. */
        public SortedSet<Integer> channels;
        /** Dynamic plans: the channels beyond the region's defaults the device was given, by index, in Hz. */
        public SortedMap<Integer, Long> extraChannels;
        /** Channels whose RX1 the device was moved to another frequency (DlChannelReq), by index, in Hz. */
        public SortedMap<Integer, Long> downlinkChannels;
        public RxSettings rx;
        /** The aggregated duty-cycle limit, 1/2^maxDutyCycle (0: none). */
        public int maxDutyCycle;
        public int adrAckLimitExp = DEFAULT_ADR_ACK_LIMIT_EXP;
        public int adrAckDelayExp = DEFAULT_ADR_ACK_DELAY_EXP;
        public Optional<RejoinParams> rejoin = Optional.empty();
        public Optional<TxParams> txParams = Optional.empty();
        /** Requests sent in the last answer and not yet answered, in the order sent. */
        public List<MacCommand.Downlink> pending;
        /** The uplink channels the pending LinkADRReq block leaves the device with. */
        public SortedSet<Integer> pendingChannels;
        /** By CID: how many answers in a row carried a request of it that then got no answer. */
        public SortedMap<Integer, Integer> unanswered;
        /** CIDs not sent again in this session: refused, or unanswered {@link #MAX_ATTEMPTS} times. */
        public SortedSet<Integer> abandoned;
        /** Data rates and TXPower indices the device refused in a LinkADRAns: not asked for again. */
        public SortedSet<Integer> refusedDataRates;
        public SortedSet<Integer> refusedTxPowers;
        public Optional<DeviceStatus> status = Optional.empty();
        public Optional<Instant> lastStatusRequest = Optional.empty();
        /** The class a LoRaWAN 1.1 device said it operates in (DeviceModeInd, 1.1 section 5.15: 0 A, 2 C). */
        public Optional<Integer> deviceMode = Optional.empty();
        /** The ADR algorithm's uplink history, in its own text form. */
        public String adrHistory = "";
        /**
         * Class B: the device's last uplink had the Class B bit of FCtrl set, saying it is in Class B mode and opens
         * its ping slots (LoRaWAN 1.0.4 section 9.1).
         */
        public boolean classB;
        /** Class B: the ping-slot periodicity the device announced (PingSlotInfoReq); empty before it did. */
        public OptionalInt pingSlotPeriodicity = OptionalInt.empty();
        /** Class B: the ping-slot channel the device took (PingSlotChannelAns); empty: the region's defaults. */
        public Optional<PingSlotChannel> pingSlotChannel = Optional.empty();
        /** Class B: the beacon frequency the device took (BeaconFreqAns); empty: the region's. */
        public OptionalLong beaconFrequency = OptionalLong.empty();

        /** The fields of a fresh state: the defaults above, every collection empty. */
        public Fields() {
            channels = new TreeSet<>();
            extraChannels = new TreeMap<>();
            downlinkChannels = new TreeMap<>();
            pending = new ArrayList<>();
            pendingChannels = new TreeSet<>();
            unanswered = new TreeMap<>();
            abandoned = new TreeSet<>();
            refusedDataRates = new TreeSet<>();
            refusedTxPowers = new TreeSet<>();
        }

        /** Fields for {@link #shallowCopy} to fill: no collection made. */
        private Fields(Void unfilled) {
        }

        private Fields copy() {
            Fields f = shallowCopy();
            f.channels = new TreeSet<>(channels);
            f.extraChannels = new TreeMap<>(extraChannels);
            f.downlinkChannels = new TreeMap<>(downlinkChannels);
            f.pending = new ArrayList<>(pending);
            f.pendingChannels = new TreeSet<>(pendingChannels);
            f.unanswered = new TreeMap<>(unanswered);
            f.abandoned = new TreeSet<>(abandoned);
            f.refusedDataRates = new TreeSet<>(refusedDataRates);
            f.refusedTxPowers = new TreeSet<>(refusedTxPowers);
            return f;
        }

        /** The same values, the collections shared. */
        private Fields shallowCopy() {
            Fields f = new Fields((Void) null);
            f.dataRate = dataRate;
            f.txPowerIndex = txPowerIndex;
            f.nbTrans = nbTrans;
            f.channels = channels;
            f.extraChannels = extraChannels;
            f.downlinkChannels = downlinkChannels;
            f.rx = rx;
            f.maxDutyCycle = maxDutyCycle;
            f.adrAckLimitExp = adrAckLimitExp;
            f.adrAckDelayExp = adrAckDelayExp;
            f.rejoin = rejoin;
            f.txParams = txParams;
            f.pending = pending;
            f.pendingChannels = pendingChannels;
            f.unanswered = unanswered;
            f.abandoned = abandoned;
            f.refusedDataRates = refusedDataRates;
            f.refusedTxPowers = refusedTxPowers;
            f.status = status;
            f.lastStatusRequest = lastStatusRequest;
            f.deviceMode = deviceMode;
            f.adrHistory = adrHistory;
            f.classB = classB;
            f.pingSlotPeriodicity = pingSlotPeriodicity;
            f.pingSlotChannel = pingSlotChannel;
            f.beaconFrequency = beaconFrequency;
            return f;
        }
    }

    private final Fields fields;
    /**
     * Read-only views of the fields' collections, each made once when first asked for: a state is read on many frames
     * (it is kept with its stored bytes), and one made on a frame is read a few times. Any thread may make one: two
     * that race make equal views.
     */
    private SortedSet<Integer> channels;
    private SortedMap<Integer, Long> extraChannels;
    private SortedMap<Integer, Long> downlinkChannels;
    private List<MacCommand.Downlink> pending;
    private SortedSet<Integer> refusedDataRates;
    private SortedSet<Integer> refusedTxPowers;

    private MacState(Fields fields) {
        this.fields = fields;
    }

    /** A fresh session's state: what the device has after its join-accept or ABP activation. */
    public static MacState initial(SortedSet<Integer> channels, SortedMap<Integer, Long> extraChannels,
                                   RxSettings rx) {
        Fields f = new Fields();
        f.channels = new TreeSet<>(channels);
        f.extraChannels = new TreeMap<>(extraChannels);
        f.rx = rx;
        return new MacState(f);
    }

    /** A copy with the changes {@code change} makes. */
    public MacState with(Consumer<Fields> change) {
        Fields f = fields.copy();
        change.accept(f);
        return new MacState(f);
    }

    /**
     * A copy with the changes {@code change} makes by assigning fields only: the copy shares this state's collections
     * (neither ever changes them), so {@code change} must give a field a new collection, never add to or remove from
     * the one it finds. For the steps that change a value or two on every frame (the ADR history, the requests sent);
     * {@link #with} copies every collection first.
     */
    public MacState withAssigned(Consumer<Fields> change) {
        Fields f = fields.shallowCopy();
        change.accept(f);
        return new MacState(f);
    }

    public int dataRate() {
        return fields.dataRate;
    }

    public int txPowerIndex() {
        return fields.txPowerIndex;
    }

    public int nbTrans() {
        return fields.nbTrans;
    }

    public SortedSet<Integer> channels() {
        if (channels == null) {
            channels = Collections.unmodifiableSortedSet(fields.channels);
        }
        return channels;
    }

    public SortedMap<Integer, Long> extraChannels() {
        if (extraChannels == null) {
            extraChannels = Collections.unmodifiableSortedMap(fields.extraChannels);
        }
        return extraChannels;
    }

    public SortedMap<Integer, Long> downlinkChannels() {
        if (downlinkChannels == null) {
            downlinkChannels = Collections.unmodifiableSortedMap(fields.downlinkChannels);
        }
        return downlinkChannels;
    }

    public RxSettings rx() {
        return fields.rx;
    }

    public int maxDutyCycle() {
        return fields.maxDutyCycle;
    }

    public int adrAckLimitExp() {
        return fields.adrAckLimitExp;
    }

    public int adrAckDelayExp() {
        return fields.adrAckDelayExp;
    }

    public Optional<RejoinParams> rejoin() {
        return fields.rejoin;
    }

    public Optional<TxParams> txParams() {
        return fields.txParams;
    }

    public List<MacCommand.Downlink> pending() {
        if (pending == null) {
            pending = Collections.unmodifiableList(fields.pending);
        }
        return pending;
    }

    public SortedSet<Integer> pendingChannels() {
        return Collections.unmodifiableSortedSet(fields.pendingChannels);
    }

    public int unanswered(int cid) {
        return fields.unanswered.getOrDefault(cid, 0);
    }

    public boolean abandoned(int cid) {
        return fields.abandoned.contains(cid);
    }

    public SortedSet<Integer> refusedDataRates() {
        if (refusedDataRates == null) {
            refusedDataRates = Collections.unmodifiableSortedSet(fields.refusedDataRates);
        }
        return refusedDataRates;
    }

    public SortedSet<Integer> refusedTxPowers() {
        if (refusedTxPowers == null) {
            refusedTxPowers = Collections.unmodifiableSortedSet(fields.refusedTxPowers);
        }
        return refusedTxPowers;
    }

    public Optional<DeviceStatus> status() {
        return fields.status;
    }

    public Optional<Instant> lastStatusRequest() {
        return fields.lastStatusRequest;
    }

    public Optional<Integer> deviceMode() {
        return fields.deviceMode;
    }

    public String adrHistory() {
        return fields.adrHistory;
    }

    public boolean classB() {
        return fields.classB;
    }

    public OptionalInt pingSlotPeriodicity() {
        return fields.pingSlotPeriodicity;
    }

    public Optional<PingSlotChannel> pingSlotChannel() {
        return fields.pingSlotChannel;
    }

    public OptionalLong beaconFrequency() {
        return fields.beaconFrequency;
    }

    /**
     * The state as stored with its session, a million times over: a value left at its default (the state of
     * {@link #initial}) is left out, and {@link #fromJson} puts it back.
     */
    public JsonObject toJson() {
        Fields f = fields;
        JsonObject json = new JsonObject().put("dr", f.dataRate).put("ch", ints(f.channels))
                .put("rx1d", f.rx.rx1Delay()).put("rx1o", f.rx.rx1DrOffset()).put("rx2dr", f.rx.rx2DataRate())
                .put("rx2f", f.rx.rx2Frequency());
        putUnlessDefault(json, "txp", f.txPowerIndex, 0);
        putUnlessDefault(json, "nbt", f.nbTrans, 1);
        putUnlessDefault(json, "mdc", f.maxDutyCycle, 0);
        putUnlessDefault(json, "adrl", f.adrAckLimitExp, DEFAULT_ADR_ACK_LIMIT_EXP);
        putUnlessDefault(json, "adrd", f.adrAckDelayExp, DEFAULT_ADR_ACK_DELAY_EXP);
        putUnlessEmpty(json, "pch", f.pendingChannels);
        putUnlessEmpty(json, "ab", f.abandoned);
        putUnlessEmpty(json, "nodr", f.refusedDataRates);
        putUnlessEmpty(json, "notx", f.refusedTxPowers);
        if (!f.adrHistory.isEmpty()) {
            json.put("h", f.adrHistory);
        }
        if (!f.pending.isEmpty()) {
            json.put("pend", Hex.lower(MacCommandCodec.encode(f.pending)));
        }
        if (!f.extraChannels.isEmpty()) {
            JsonObject extra = new JsonObject();
            f.extraChannels.forEach((index, hz) -> extra.put(Integer.toString(index), hz));
            json.put("xch", extra);
        }
        if (!f.downlinkChannels.isEmpty()) {
            JsonObject downlink = new JsonObject();
            f.downlinkChannels.forEach((index, hz) -> downlink.put(Integer.toString(index), hz));
            json.put("dch", downlink);
        }
        if (!f.unanswered.isEmpty()) {
            JsonObject unanswered = new JsonObject();
            f.unanswered.forEach((cid, n) -> unanswered.put(Integer.toString(cid), n));
            json.put("un", unanswered);
        }
        f.rejoin.ifPresent(r -> json.put("rj", new JsonArray().add(r.maxTimeN()).add(r.maxCountN())));
        f.txParams.ifPresent(t -> json.put("txpar", new JsonArray().add(t.uplinkDwellTime())
                .add(t.downlinkDwellTime()).add(t.maxEirpIndex())));
        f.status.ifPresent(s -> json.put("st", new JsonArray().add(s.battery()).add(s.margin())
                .add(s.at().toEpochMilli())));
        f.lastStatusRequest.ifPresent(at -> json.put("stq", at.toEpochMilli()));
        f.deviceMode.ifPresent(mode -> json.put("mode", mode));
        if (f.classB) {
            json.put("cb", true);
        }
        f.pingSlotPeriodicity.ifPresent(p -> json.put("psp", p));
        f.pingSlotChannel.ifPresent(c -> json.put("psc", new JsonArray().add(c.frequencyHz()).add(c.dataRate())));
        f.beaconFrequency.ifPresent(hz -> json.put("bcnf", hz));
        return json;
    }

    /**
     * {@link #toJson} as it is stored, its encoded bytes: the same bytes, written without the JSON object on the way
     * (the state is stored after every frame that changes it). A state with a string that needs escaping, which
     * none of those written here has, goes through the JSON object.
     */
    public byte[] toJsonBytes() {
        Fields f = fields;
        String pending = f.pending.isEmpty() ? "" : Hex.lower(MacCommandCodec.encode(f.pending));
        if (!CompactJson.plain(f.adrHistory)) {
            return toJson().encode().getBytes(StandardCharsets.UTF_8);
        }
        CompactJson counting = CompactJson.counting();
        writeJson(counting, pending);
        CompactJson json = CompactJson.into(counting.size());
        writeJson(json, pending);
        return json.bytes();
    }

    /** What {@link #toJson} puts, in its order. */
    private void writeJson(CompactJson json, String pending) {
        Fields f = fields;
        json.beginObject().name("dr").value(f.dataRate).name("ch").array(f.channels)
                .name("rx1d").value(f.rx.rx1Delay()).name("rx1o").value(f.rx.rx1DrOffset())
                .name("rx2dr").value(f.rx.rx2DataRate()).name("rx2f").value(f.rx.rx2Frequency());
        writeUnlessDefault(json, "txp", f.txPowerIndex, 0);
        writeUnlessDefault(json, "nbt", f.nbTrans, 1);
        writeUnlessDefault(json, "mdc", f.maxDutyCycle, 0);
        writeUnlessDefault(json, "adrl", f.adrAckLimitExp, DEFAULT_ADR_ACK_LIMIT_EXP);
        writeUnlessDefault(json, "adrd", f.adrAckDelayExp, DEFAULT_ADR_ACK_DELAY_EXP);
        writeUnlessEmpty(json, "pch", f.pendingChannels);
        writeUnlessEmpty(json, "ab", f.abandoned);
        writeUnlessEmpty(json, "nodr", f.refusedDataRates);
        writeUnlessEmpty(json, "notx", f.refusedTxPowers);
        if (!f.adrHistory.isEmpty()) {
            json.name("h").value(f.adrHistory);
        }
        if (!pending.isEmpty()) {
            json.name("pend").value(pending);
        }
        if (!f.extraChannels.isEmpty()) {
            json.name("xch").object(f.extraChannels);
        }
        if (!f.downlinkChannels.isEmpty()) {
            json.name("dch").object(f.downlinkChannels);
        }
        if (!f.unanswered.isEmpty()) {
            json.name("un").object(f.unanswered);
        }
        if (f.rejoin.isPresent()) {
            json.name("rj").beginArray().value(f.rejoin.get().maxTimeN()).value(f.rejoin.get().maxCountN())
                    .endArray();
        }
        if (f.txParams.isPresent()) {
            TxParams t = f.txParams.get();
            json.name("txpar").beginArray().value(t.uplinkDwellTime()).value(t.downlinkDwellTime())
                    .value(t.maxEirpIndex()).endArray();
        }
        if (f.status.isPresent()) {
            DeviceStatus s = f.status.get();
            json.name("st").beginArray().value(s.battery()).value(s.margin()).value(s.at().toEpochMilli()).endArray();
        }
        if (f.lastStatusRequest.isPresent()) {
            json.name("stq").value(f.lastStatusRequest.get().toEpochMilli());
        }
        if (f.deviceMode.isPresent()) {
            json.name("mode").value(f.deviceMode.get());
        }
        if (f.classB) {
            json.name("cb").value(true);
        }
        if (f.pingSlotPeriodicity.isPresent()) {
            json.name("psp").value(f.pingSlotPeriodicity.getAsInt());
        }
        if (f.pingSlotChannel.isPresent()) {
            json.name("psc").beginArray().value(f.pingSlotChannel.get().frequencyHz())
                    .value(f.pingSlotChannel.get().dataRate()).endArray();
        }
        if (f.beaconFrequency.isPresent()) {
            json.name("bcnf").value(f.beaconFrequency.getAsLong());
        }
        json.endObject();
    }

    private static void writeUnlessDefault(CompactJson json, String name, int value, int defaultValue) {
        if (value != defaultValue) {
            json.name(name).value(value);
        }
    }

    private static void writeUnlessEmpty(CompactJson json, String name, SortedSet<Integer> set) {
        if (!set.isEmpty()) {
            json.name(name).array(set);
        }
    }

    /** @throws IllegalArgumentException when the JSON is not a MAC state {@link #toJson} wrote */
    public static MacState fromJson(JsonObject json) {
        try {
            Fields f = new Fields();
            f.dataRate = json.getInteger("dr");
            f.txPowerIndex = json.getInteger("txp", 0);
            f.nbTrans = json.getInteger("nbt", 1);
            f.channels = ints(json.getJsonArray("ch"));
            json.getJsonObject("xch", new JsonObject()).forEach(e -> f.extraChannels.put(Integer.parseInt(e.getKey()),
                    ((Number) e.getValue()).longValue()));
            json.getJsonObject("dch", new JsonObject()).forEach(e -> f.downlinkChannels.put(
                    Integer.parseInt(e.getKey()), ((Number) e.getValue()).longValue()));
            f.rx = new RxSettings(json.getInteger("rx1d"), json.getInteger("rx1o"), json.getInteger("rx2dr"),
                    json.getLong("rx2f"));
            f.maxDutyCycle = json.getInteger("mdc", 0);
            f.adrAckLimitExp = json.getInteger("adrl", DEFAULT_ADR_ACK_LIMIT_EXP);
            f.adrAckDelayExp = json.getInteger("adrd", DEFAULT_ADR_ACK_DELAY_EXP);
            JsonArray rj = json.getJsonArray("rj");
            f.rejoin = rj == null ? Optional.empty()
                    : Optional.of(new RejoinParams(rj.getInteger(0), rj.getInteger(1)));
            JsonArray t = json.getJsonArray("txpar");
            f.txParams = t == null ? Optional.empty()
                    : Optional.of(new TxParams(t.getBoolean(0), t.getBoolean(1), t.getInteger(2)));
            for (MacCommand command : MacCommandCodec.decode(Hex.decode(json.getString("pend", "")), Direction.DOWNLINK)) {
                f.pending.add((MacCommand.Downlink) command);
            }
            f.pendingChannels = ints(json.getJsonArray("pch", new JsonArray()));
            for (Map.Entry<String, Object> e : json.getJsonObject("un", new JsonObject())) {
                f.unanswered.put(Integer.parseInt(e.getKey()), ((Number) e.getValue()).intValue());
            }
            f.abandoned = ints(json.getJsonArray("ab", new JsonArray()));
            f.refusedDataRates = ints(json.getJsonArray("nodr", new JsonArray()));
            f.refusedTxPowers = ints(json.getJsonArray("notx", new JsonArray()));
            JsonArray st = json.getJsonArray("st");
            f.status = st == null ? Optional.empty() : Optional.of(new DeviceStatus(st.getInteger(0),
                    st.getInteger(1), Instant.ofEpochMilli(st.getLong(2))));
            Long stq = json.getLong("stq");
            f.lastStatusRequest = stq == null ? Optional.empty() : Optional.of(Instant.ofEpochMilli(stq));
            f.adrHistory = json.getString("h", "");
            f.deviceMode = Optional.ofNullable(json.getInteger("mode"));
            f.classB = json.getBoolean("cb", false);
            Integer psp = json.getInteger("psp");
            f.pingSlotPeriodicity = psp == null ? OptionalInt.empty() : OptionalInt.of(psp);
            JsonArray psc = json.getJsonArray("psc");
            f.pingSlotChannel = psc == null ? Optional.empty()
                    : Optional.of(new PingSlotChannel(psc.getLong(0), psc.getInteger(1)));
            Long bcnf = json.getLong("bcnf");
            f.beaconFrequency = bcnf == null ? OptionalLong.empty() : OptionalLong.of(bcnf);
            return new MacState(f);
        } catch (MalformedFrameException | RuntimeException e) {
            throw new IllegalArgumentException("not a MAC state: " + e.getMessage(), e);
        }
    }

    private static void putUnlessDefault(JsonObject json, String name, int value, int defaultValue) {
        if (value != defaultValue) {
            json.put(name, value);
        }
    }

    private static void putUnlessEmpty(JsonObject json, String name, SortedSet<Integer> set) {
        if (!set.isEmpty()) {
            json.put(name, ints(set));
        }
    }

    private static JsonArray ints(SortedSet<Integer> set) {
        return new JsonArray(new ArrayList<>(set));
    }

    private static SortedSet<Integer> ints(JsonArray array) {
        SortedSet<Integer> out = new TreeSet<>();
        array.forEach(o -> out.add(((Number) o).intValue()));
        return out;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof MacState state && toJson().equals(state.toJson());
    }

    @Override
    public int hashCode() {
        return toJson().hashCode();
    }

    @Override
    public String toString() {
        return "MacState" + toJson().encode();
    }
}
