package net.lorawanns.js.transfer;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import net.lorawanns.core.types.AesKey;
import net.lorawanns.core.types.DevNonce;
import net.lorawanns.core.types.Eui64;
import net.lorawanns.core.types.JoinNonce;
import net.lorawanns.core.types.MacVersion;

/**
 * What an exported JWE carries: a device's root keys and the nonce state a join server needs to go on where this one
 * stopped. No public specification fixes these fields; they are this server's (README, "Root-key export and
 * transfer"). A device that counts its DevNonces (LoRaWAN 1.0.4, 1.1) has a last DevNonce; one that sends random
 * DevNonces (1.0.0-1.0.3) has the set of values it used, every one of which must stay refused. A LoRaWAN 1.1 device
 * also has the last RJcount1 of its type 1 rejoin-requests, which it never resets for a JoinEUI (1.1 section
 * 6.2.4.2).
 *
 * @param lastDevNonce the last DevNonce of a counting device; empty before its first join or for random nonces
 * @param usedDevNonces the DevNonces a random-nonce device used, ascending; empty for counting devices
 * @param lastJoinNonce the last JoinNonce issued (0: none yet); the importer's next one is greater
 * @param lastRjCount1 the last RJcount1 of a LoRaWAN 1.1 device; empty before its first type 1 rejoin-request
 */
public record ExportedRootKeys(Eui64 devEui, Eui64 joinEui, MacVersion macVersion, AesKey appKey,
                               Optional<AesKey> nwkKey, Optional<DevNonce> lastDevNonce, List<DevNonce> usedDevNonces,
                               JoinNonce lastJoinNonce, Optional<Integer> lastRjCount1) {
    /** RJcount1 is a 16-bit counter (LoRaWAN 1.1 section 6.2.4.2). */
    private static final int MAX_RJ_COUNT1 = 0xFFFF;

    /** The value of the payload's {@code format} field, so that a later layout can be told apart. */
    public static final String FORMAT = "lorawan-ns-root-keys/1";

    public ExportedRootKeys {
        Objects.requireNonNull(devEui, "devEui");
        Objects.requireNonNull(joinEui, "joinEui");
        Objects.requireNonNull(macVersion, "macVersion");
        Objects.requireNonNull(appKey, "appKey");
        Objects.requireNonNull(nwkKey, "nwkKey");
        Objects.requireNonNull(lastDevNonce, "lastDevNonce");
        Objects.requireNonNull(lastJoinNonce, "lastJoinNonce");
        Objects.requireNonNull(lastRjCount1, "lastRjCount1");
        usedDevNonces = List.copyOf(usedDevNonces);
        if ((macVersion == MacVersion.LORAWAN_1_1_0) != nwkKey.isPresent()) {
            throw new IllegalArgumentException("nwk_key: a LoRaWAN 1.1 device has one, a 1.0.x device none (got "
                    + (nwkKey.isPresent() ? "one" : "none") + " for " + macVersion + ")");
        }
        if (macVersion.devNonceIsCounter() && !usedDevNonces.isEmpty()) {
            throw new IllegalArgumentException("used_dev_nonces: a LoRaWAN " + macVersion
                    + " device counts its DevNonces; give last_dev_nonce");
        }
        if (!macVersion.devNonceIsCounter() && lastDevNonce.isPresent()) {
            throw new IllegalArgumentException("last_dev_nonce: a LoRaWAN " + macVersion
                    + " device sends random DevNonces; give used_dev_nonces");
        }
        if (lastRjCount1.isPresent() && macVersion != MacVersion.LORAWAN_1_1_0) {
            throw new IllegalArgumentException("last_rj_count1: only LoRaWAN 1.1 devices send rejoin-requests");
        }
        if (lastRjCount1.isPresent() && (lastRjCount1.get() < 0 || lastRjCount1.get() > MAX_RJ_COUNT1)) {
            throw new IllegalArgumentException("last_rj_count1: must fit in 16 bits, got " + lastRjCount1.get());
        }
    }

    /** The payload's JSON. It holds the keys in clear: it exists only to be encrypted at once. */
    public JsonObject toJson() {
        HexFormat hex = HexFormat.of().withUpperCase();
        JsonObject json = new JsonObject().put("format", FORMAT).put("dev_eui", devEui.toString())
                .put("join_eui", joinEui.toString()).put("mac_version", macVersion.toString())
                .put("app_key", hex.formatHex(appKey.bytes()));
        nwkKey.ifPresent(key -> json.put("nwk_key", hex.formatHex(key.bytes())));
        lastDevNonce.ifPresent(nonce -> json.put("last_dev_nonce", nonce.value()));
        if (!macVersion.devNonceIsCounter()) {
            json.put("used_dev_nonces", new JsonArray(usedDevNonces.stream().map(DevNonce::value).toList()));
        }
        lastRjCount1.ifPresent(count -> json.put("last_rj_count1", count));
        return json.put("last_join_nonce", lastJoinNonce.value());
    }

    /**
     * Reads a payload, each field checked.
     *
     * @throws IllegalArgumentException naming the field that is missing or wrong
     */
    public static ExportedRootKeys fromJson(JsonObject json) {
        if (!FORMAT.equals(json.getValue("format"))) {
            throw new IllegalArgumentException("format: must be \"" + FORMAT + "\", got " + json.getValue("format"));
        }
        Eui64 devEui = field("dev_eui", () -> Eui64.parse(text(json, "dev_eui")));
        Eui64 joinEui = field("join_eui", () -> Eui64.parse(text(json, "join_eui")));
        MacVersion version = field("mac_version", () -> MacVersion.parse(text(json, "mac_version")));
        AesKey appKey = key(json, "app_key");
        Optional<AesKey> nwkKey = json.containsKey("nwk_key") ? Optional.of(key(json, "nwk_key")) : Optional.empty();
        Optional<DevNonce> last = json.containsKey("last_dev_nonce")
                ? Optional.of(field("last_dev_nonce", () -> new DevNonce(whole(json, "last_dev_nonce"))))
                : Optional.empty();
        List<DevNonce> used = new ArrayList<>();
        Object usedValue = json.getValue("used_dev_nonces");
        if (usedValue != null) {
            if (!(usedValue instanceof JsonArray array)) {
                throw new IllegalArgumentException("used_dev_nonces: must be an array of whole numbers");
            }
            for (Object value : array) {
                if (!(value instanceof Integer number)) {
                    throw new IllegalArgumentException("used_dev_nonces: must be an array of whole numbers, got "
                            + value);
                }
                used.add(field("used_dev_nonces", () -> new DevNonce(number)));
            }
        }
        JoinNonce joinNonce = field("last_join_nonce", () -> new JoinNonce(whole(json, "last_join_nonce")));
        Optional<Integer> rjCount1 = json.containsKey("last_rj_count1")
                ? Optional.of(field("last_rj_count1", () -> whole(json, "last_rj_count1"))) : Optional.empty();
        return field("payload", () -> new ExportedRootKeys(devEui, joinEui, version, appKey, nwkKey, last, used,
                joinNonce, rjCount1));
    }

    private static AesKey key(JsonObject json, String field) {
        return field(field, () -> {
            String text = text(json, field);
            if (text.length() != 32) {
                throw new IllegalArgumentException("must be 32 hex digits, got " + text.length() + " characters");
            }
            try {
                return AesKey.of(HexFormat.of().parseHex(text));
            } catch (IllegalArgumentException e) {
                // The parser's message quotes the offending character, which is part of a key.
                throw new IllegalArgumentException("must be 32 hex digits");
            }
        });
    }

    private static String text(JsonObject json, String field) {
        if (!(json.getValue(field) instanceof String text)) {
            throw new IllegalArgumentException("is required (a string)");
        }
        return text;
    }

    private static int whole(JsonObject json, String field) {
        if (!(json.getValue(field) instanceof Integer number)) {
            throw new IllegalArgumentException("is required (a whole number)");
        }
        return number;
    }

    /** Runs a parse, naming the field in its error unless the message names one already. */
    private static <T> T field(String field, Supplier<T> parse) {
        try {
            return parse.get();
        } catch (IllegalArgumentException e) {
            String message = e.getMessage();
            throw new IllegalArgumentException(message.matches("^[a-z_]+: .*") ? message : field + ": " + message);
        }
    }

    @Override
    public String toString() {
        return "ExportedRootKeys[" + devEui + ", JoinEUI " + joinEui + ", " + macVersion + ", ****, last JoinNonce "
                + lastJoinNonce + "]";
    }
}
