package net.lorawanns.core.redis;

import java.nio.charset.StandardCharsets;
import net.lorawanns.core.types.DevAddr;
import net.lorawanns.core.types.Eui64;

/**
 * Every Redis key the server uses. A device's keys carry its DevEUI as hash tag, so that they share a Redis
 * Cluster slot and one script may touch them together.
 */
public final class RedisKeys {
    private static final byte[] LOCK_TAIL = "}:lock".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DEVICE_TAIL = "}".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SESSION_TAIL = "}:session".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] QUEUE_TAIL = "}:queue".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DOWNLINK_PATH_TAIL = "}:downlink".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HEX_DIGITS = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);
    private static final int EUI_DIGITS = 16;

    private final String prefix;
    /** The bytes of {@code prefix + "dedup:{"}, the start of a deduplication set's keys. */
    private final byte[] dedupHead;
    /** The bytes of {@code prefix + "device:{"}, the start of a device's keys. */
    private final byte[] deviceHead;

    /** @param keyPrefix the configured {@code redis.key_prefix} */
    public RedisKeys(String keyPrefix) {
        this.prefix = keyPrefix + "lorawan:";
        this.dedupHead = (prefix + "dedup:{").getBytes(StandardCharsets.UTF_8);
        this.deviceHead = (prefix + "device:{").getBytes(StandardCharsets.UTF_8);
    }

    /**
     * A deduplication set: absent, "open" and the copies other instances added while the window runs, "closed" after
     * it.
     */
    public String dedupLock(String frameId) {
        return prefix + "dedup:{" + frameId + "}:lock";
    }

    /** {@link #dedupLock} as the bytes Redis reads, the frame id written straight into them. */
    public byte[] dedupLock(AsciiId frameId) {
        byte[] lock = key(dedupHead, frameId.length(), LOCK_TAIL);
        frameId.writeTo(lock, dedupHead.length);
        return lock;
    }

    /** A key of {@code head}, room for an id of {@code idLength} bytes, and {@code tail}. */
    private static byte[] key(byte[] head, int idLength, byte[] tail) {
        byte[] key = new byte[head.length + idLength + tail.length];
        System.arraycopy(head, 0, key, 0, head.length);
        System.arraycopy(tail, 0, key, head.length + idLength, tail.length);
        return key;
    }

    /** An id that is part of a key, written as its ASCII characters (one byte each) without a String. */
    public interface AsciiId {
        /** How many characters the id has. */
        int length();

        /** Writes the id's {@link #length} characters into {@code into} from {@code at}. */
        void writeTo(byte[] into, int at);
    }

    /**
     * {@link #session}, {@link #device}, {@link #downlinkQueue} and {@link #downlinkPath}, in that order, as the bytes
     * Redis reads: the keys of a data uplink's counter step, made at a device's first frame in a while without a
     * String in between; the DevEUI's digits written once, into the first, and copied from there into the others.
     */
    public byte[][] uplinkKeys(Eui64 devEui) {
        byte[] session = key(deviceHead, EUI_DIGITS, SESSION_TAIL);
        long value = devEui.value();
        for (int i = 0; i < EUI_DIGITS; i++) {
            session[deviceHead.length + i] = HEX_DIGITS[(int) (value >>> (EUI_DIGITS - 1 - i) * 4) & 0xF];
        }
        byte[][] keys = {session, key(deviceHead, EUI_DIGITS, DEVICE_TAIL), key(deviceHead, EUI_DIGITS, QUEUE_TAIL),
            key(deviceHead, EUI_DIGITS, DOWNLINK_PATH_TAIL)};
        for (int k = 1; k < keys.length; k++) {
            System.arraycopy(session, deviceHead.length, keys[k], deviceHead.length, EUI_DIGITS);
        }
        return keys;
    }

    /** The device record (profile, application); configuration-grade, no TTL. */
    public String device(Eui64 devEui) {
        return prefix + "device:{" + devEui + "}";
    }

    /**
     * Left for a while where a device record was deleted: the generation of the deletion (see
     * {@link #deviceProfileGeneration()}), so that a write ordered before it cannot bring the record back.
     */
    public String deviceDeleted(Eui64 devEui) {
        return prefix + "device:{" + devEui + "}:deleted";
    }

    /** The device's sessions and frame counters. */
    public String session(Eui64 devEui) {
        return prefix + "device:{" + devEui + "}:session";
    }

    /** A device's application downlink queue (a list, oldest first). */
    public String downlinkQueue(Eui64 devEui) {
        return prefix + "device:{" + devEui + "}:queue";
    }

    /** Held while one instance sends a device a Class B or C downlink, until the frame has been on air. */
    public String downlinkPath(Eui64 devEui) {
        return prefix + "device:{" + devEui + "}:downlink";
    }

    /** The channel on which an enqueue names its DevEUI, for the instance that can reach the device now. */
    public String downlinkWake() {
        return prefix + "downlink-wake";
    }

    /** A pattern matching every device's session hash, for re-sealing under a new master key. */
    public String sessionPattern() {
        return prefix + "device:{*}:session";
    }

    /** The DevEUIs whose active or pending session uses a DevAddr. */
    public String devAddr(DevAddr devAddr) {
        return prefix + "devaddr:{" + devAddr + "}";
    }

    /** The DevNonces a device has used with a JoinEUI (a set, or the last value for counting devices). */
    public String devNonces(Eui64 devEui, Eui64 joinEui) {
        return prefix + "js:{" + devEui + "}:devnonce:" + joinEui;
    }

    /** The last RJcount1 of a device's type 1 rejoin-requests with a JoinEUI, which it never resets. */
    public String rejoinCount1(Eui64 devEui, Eui64 joinEui) {
        return prefix + "js:{" + devEui + "}:rjcount1:" + joinEui;
    }

    /** The device's last JoinNonce. */
    public String joinNonce(Eui64 devEui) {
        return prefix + "js:{" + devEui + "}:joinnonce";
    }

    /** The device's root keys, encrypted. */
    public String rootKeys(Eui64 devEui) {
        return prefix + "js:{" + devEui + "}:keys";
    }

    /**
     * Set while a device's root keys are locked after an export, until its owner unlocks it: no join is answered
     * meanwhile. Configuration-grade (no TTL): a lock that expired would let two join servers answer one device.
     */
    public String rootKeysLock(Eui64 devEui) {
        return prefix + "js:{" + devEui + "}:locked";
    }

    /**
     * The join server's transfer key (an RSA key pair that every instance of the network shares, the private half
     * sealed), to which root keys are exported for import here. Configuration-grade.
     */
    public String transferKey() {
        return prefix + "js:{transfer-key}:rsa";
    }

    /** A pattern matching every device's root-key record, for re-encryption under a new master key. */
    public String rootKeysPattern() {
        return prefix + "js:{*}:keys";
    }

    /**
     * The claim of a device provisioned with an owner token (state, home network, the token's sealed digest);
     * configuration-grade. Absent for this network's own devices.
     */
    public String claim(Eui64 devEui) {
        return prefix + "js:{" + devEui + "}:claim";
    }

    /** A pattern matching every device's claim record, for re-sealing under a new master key. */
    public String claimPattern() {
        return prefix + "js:{*}:claim";
    }

    /** The count of a device's owner-token attempts in the current window; expires with the window. */
    public String claimFailures(Eui64 devEui) {
        return prefix + "js:{" + devEui + "}:claim-failures";
    }

    /**
     * The join server's audit log: a stream of claim, unclaim, transfer, export, unlock and import entries,
     * trimmed by age and length.
     */
    public String audit() {
        return prefix + "js-audit:{audit}";
    }

    /**
     * The join server's log of refused attempts (wrong owner tokens, rate limited), apart from {@link #audit()} so
     * that attempts cannot push real entries out; trimmed by age and length, with a TTL.
     */
    public String auditRefused() {
        return prefix + "js-audit:{audit}:refused";
    }

    /**
     * The join server's log of devices stored from provisioning manifests, apart from {@link #audit()} so that
     * re-provisioning stock by the thousand cannot push the life cycle's entries out; trimmed by age and length,
     * with a TTL.
     */
    public String auditProvisioning() {
        return prefix + "js-audit:{audit}:provisioning";
    }

    /** The AppSKey of one session, kept sealed for an application server's AppSKeyReq. */
    public String appSKey(Eui64 devEui, String sessionKeyId) {
        return prefix + "js:{" + devEui + "}:appskey:" + sessionKeyId;
    }

    /** A pattern matching every kept AppSKey. */
    public String appSKeyPattern() {
        return prefix + "js:{*}:appskey:*";
    }

    /**
     * The record that proves a master key ID belongs to one key: written under the first server's key, opened by
     * every later one. It sits with the root keys, where the internal join server kept it before every secret was
     * sealed.
     */
    public String masterKeyCheck(String masterKeyId) {
        return prefix + "js:{FFFFFFFFFFFFFFFF}:keys:check:" + masterKeyId;
    }

    /**
     * The API keys made through the API: a hash of key ID to its record (the SHA-256 of the key, scope, name, who
     * made it and when, its revocation); configuration-grade, no TTL.
     */
    public String apiKeys() {
        return prefix + "api-keys:{api-keys}";
    }

    /** An application record (webhook). */
    public String application(String applicationId) {
        return prefix + "application:{" + applicationId + "}";
    }

    /**
     * The devices of an application, by DevEUI: a sorted set read in member order ({@code DevEUI:generation}, see
     * {@code ApplicationDevices}). Configuration-grade, no TTL.
     */
    public String applicationDevices(String applicationId) {
        return prefix + "application:{" + applicationId + "}:devices";
    }

    /** The IDs of the application records, a sorted set read in ID order; configuration-grade. */
    public String applications() {
        return prefix + "applications:{applications}";
    }

    /**
     * Set once the application and device indexes hold every record stored before they existed (a one-off re-index
     * after start-up), and until then where that re-index stands, for a restart to go on from there;
     * configuration-grade.
     */
    public String resourceIndexesBuilt() {
        return prefix + "applications:{applications}:indexed";
    }

    /**
     * Held (SET NX, with a TTL renewed at every page) by the one instance doing the one-off re-index, in
     * {@link #resourceIndexesBuilt()}'s hash slot.
     */
    public String resourceIndexesLock() {
        return prefix + "applications:{applications}:indexing";
    }

    /** A pattern matching every device record (and no other key of a device). */
    public String devicePattern() {
        return prefix + "device:{*}";
    }

    /** A pattern matching every application record. */
    public String applicationPattern() {
        return prefix + "application:{*}";
    }

    /**
     * The device profiles, a hash of ID to JSON; configuration-grade. Every key of profiles and of the devices' hold
     * on them shares one hash tag, so that one script checks a profile and its users together.
     */
    public String deviceProfiles() {
        return prefix + "device-profiles:{profiles}";
    }

    /** How many holds devices have on each profile: a hash of profile ID to count. */
    public String deviceProfileUsers() {
        return prefix + "device-profiles:{profiles}:users";
    }

    /** The counter that orders the writes and deletions of device records that refer to profiles. */
    public String deviceProfileGeneration() {
        return prefix + "device-profiles:{profiles}:generation";
    }

    /** A device's holds on profiles: a hash of generation to profile ID. */
    public String deviceProfileHolds(Eui64 devEui) {
        return prefix + "device-profiles:{profiles}:holds:" + devEui;
    }

    /** The set of gateways registered through the API. */
    public String gateways() {
        return prefix + "gateways";
    }

    /**
     * Gateway EUI to region id, for the registered gateways that name a region. Its hash tag is the whole name of
     * {@link #gateways()}, so that both keys share one Cluster slot and change together.
     */
    public String gatewayRegions() {
        return "{" + prefix + "gateways}:regions";
    }

    /**
     * Where the registered gateways that have one are (gateway EUI to JSON latitude, longitude, altitude); shares
     * {@link #gatewayRegions()}'s hash tag.
     */
    public String gatewayLocations() {
        return "{" + prefix + "gateways}:locations";
    }

    /**
     * What a gateway last told any instance: when it was last seen, until when it counts as online (its last
     * PULL_DATA plus the offline timeout) and its last status report; expires a while after the gateway falls silent.
     */
    public String gatewayStatus(Eui64 gateway) {
        return prefix + "gateway:{" + gateway + "}:status";
    }

    /** The pub/sub channel on which a change of {@link #gateways()} is announced with the gateway's EUI. */
    public String gatewayChanges() {
        return prefix + "gateways:changes";
    }

    /**
     * A gateway's time on air in one duty-cycle sub-band of its region (named by the sub-band's lowest frequency), a
     * hash of minute to microseconds; it expires an hour after the gateway's last transmission there.
     */
    public String gatewayAirtime(Eui64 gateway, long subBandFromHz) {
        return prefix + "gateway:{" + gateway + "}:airtime:" + subBandFromHz;
    }

    /** Marks that an instance waits for the asynchronous JoinAns of a transaction; expires with the wait. */
    public String asyncJoinAnswer(long transactionId) {
        return prefix + "js-answer:{" + transactionId + "}";
    }

    /** The pub/sub channel on which an instance hands on an asynchronous JoinAns (its JSON) it did not wait for. */
    public String asyncJoinAnswers() {
        return prefix + "js-answers";
    }
}
