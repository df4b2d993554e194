package net.lorawanns.core.seal;

import io.vertx.core.json.JsonObject;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-128-GCM under the master keys, for every secret the server stores (session keys, webhook headers, root keys,
 * kept AppSKeys): new records are sealed with the current key; records sealed under a previous key (by its ID) can
 * still be opened until {@code keys rotate} has re-sealed them. A sealed record is JSON with {@code kid},
 * {@code nonce} (96 bits, random) and {@code ciphertext}; the caller binds it to its owner through the associated
 * data. Records kept by the million (device sessions) use the compact form instead: {@link #sealCompact} gives the
 * nonce followed by the ciphertext as bytes, and the caller stores the key ID beside them. Thread-safe: each thread
 * keeps a {@link Cipher} of its own and initialises it for every operation.
 */
public final class AtRestCipher {
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();
    /**
     * A session cache miss opens a session's keys, so this runs for many frames: {@link Cipher#getInstance} is a
     * provider lookup and a new cipher a new AES key schedule, while a kept cipher, initialised again, reuses the
     * schedule of the master key it had (the JDK's AES keeps its last key's).
     */
    private static final ThreadLocal<Cipher> GCM = ThreadLocal.withInitial(() -> {
        try {
            return Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available: " + e.getMessage(), e);
        }
    });

    private final MasterKey current;
    private final Map<String, MasterKey> byId = new HashMap<>();

    public AtRestCipher(MasterKey current, List<MasterKey> previous) {
        this.current = current;
        previous.forEach(key -> byId.put(key.id(), key));
        byId.put(current.id(), current);
    }

    public String currentId() {
        return current.id();
    }

    /** Seals {@code plain} into {@code record} (kid, nonce, ciphertext); {@code aad} is computed from the kid. */
    public JsonObject seal(JsonObject record, byte[] plain, Function<String, byte[]> aad) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        record.put("kid", current.id());
        byte[] sealed;
        try {
            sealed = gcm(Cipher.ENCRYPT_MODE, current, nonce, aad.apply(current.id()), plain, 0, plain.length);
        } catch (AEADBadTagException e) {
            throw new IllegalStateException("AES-GCM encryption cannot fail on a tag", e);
        }
        Base64.Encoder base64 = Base64.getEncoder();
        return record.put("nonce", base64.encodeToString(nonce)).put("ciphertext", base64.encodeToString(sealed));
    }

    /**
     * Seals {@code plain} under the current key ({@link #currentId()}, which the caller stores with the result and
     * binds into {@code aad}): the 12-byte random nonce followed by the ciphertext and its 16-byte tag.
     */
    public byte[] sealCompact(byte[] plain, byte[] aad) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        byte[] sealed;
        try {
            sealed = gcm(Cipher.ENCRYPT_MODE, current, nonce, aad, plain, 0, plain.length);
        } catch (AEADBadTagException e) {
            throw new IllegalStateException("AES-GCM encryption cannot fail on a tag", e);
        }
        byte[] out = new byte[NONCE_BYTES + sealed.length];
        System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
        System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
        return out;
    }

    /**
     * Opens what {@link #sealCompact} gave, stored from {@code offset} to the end of {@code stored}.
     *
     * @param kid the ID of the key it was sealed under
     * @param what names the record in error messages, e.g. "the session keys of 0102..."
     * @throws SealedRecordException for an unknown key ID, a wrong key or an altered record
     */
    public byte[] openCompact(String kid, byte[] stored, int offset, byte[] aad, String what) {
        MasterKey key = key(kid, what);
        if (stored.length - offset < NONCE_BYTES + TAG_BITS / 8) {
            throw new SealedRecordException(what + " are not a sealed record (too short)");
        }
        byte[] nonce = Arrays.copyOfRange(stored, offset, offset + NONCE_BYTES);
        try {
            return gcm(Cipher.DECRYPT_MODE, key, nonce, aad, stored, offset + NONCE_BYTES,
                    stored.length - offset - NONCE_BYTES);
        } catch (AEADBadTagException e) {
            throw wrongKey(kid, what);
        }
    }

    /**
     * Opens a sealed record.
     *
     * @param what names the record in error messages, e.g. "the root keys of 0102..."
     * @throws SealedRecordException for an unknown key ID, a wrong key or an altered record
     */
    public byte[] open(JsonObject record, byte[] aad, String what) {
        String kid = record.getString("kid");
        MasterKey key = key(kid, what);
        Base64.Decoder base64 = Base64.getDecoder();
        byte[] nonce;
        byte[] sealed;
        try {
            nonce = base64.decode(record.getString("nonce"));
            sealed = base64.decode(record.getString("ciphertext"));
            if (nonce.length != NONCE_BYTES) {
                throw new IllegalArgumentException("nonce length");
            }
        } catch (ClassCastException | IllegalArgumentException | NullPointerException e) {
            throw new SealedRecordException(what + " are not a sealed record (nonce and ciphertext in base64)");
        }
        try {
            return gcm(Cipher.DECRYPT_MODE, key, nonce, aad, sealed, 0, sealed.length);
        } catch (AEADBadTagException e) {
            throw wrongKey(kid, what);
        }
    }

    private MasterKey key(String kid, String what) {
        MasterKey key = byId.get(kid);
        if (key == null) {
            throw new SealedRecordException(what + " are encrypted under master key ID '" + kid + "', but "
                    + "internal_js.master_key_id is '" + current.id() + "' and no internal_js.previous_master_keys "
                    + "entry has that ID");
        }
        return key;
    }

    private static SealedRecordException wrongKey(String kid, String what) {
        return new SealedRecordException("cannot decrypt " + what + " with master key ID '" + kid
                + "': internal_js.master_key is not the key they were stored with, or the record was altered");
    }

    private static byte[] gcm(int mode, MasterKey key, byte[] nonce, byte[] aad, byte[] input, int offset,
                              int length) throws AEADBadTagException {
        try {
            Cipher cipher = GCM.get();
            cipher.init(mode, new SecretKeySpec(key.key().bytes(), "AES"), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(aad);
            return cipher.doFinal(input, offset, length);
        } catch (AEADBadTagException e) {
            throw e;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available: " + e.getMessage(), e);
        }
    }
}
