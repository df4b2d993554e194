package net.lorawanns.core.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An API key made by the server: {@code lnk_<id>_<secret>}, where the ID is 16 hex digits (8 random bytes, not secret:
 * it names the key in lists, logs and revocations) and the secret 32 random bytes in unpadded base64url (43
 * characters). The server keeps only the SHA-256 of the whole text. A slow password hash (bcrypt, Argon2) protects
 * guessable passwords from an attacker who reads the hashes; a 256-bit random secret cannot be guessed however fast
 * each guess is, so one SHA-256, cheap enough to compute on every request, is as strong here.
 */
public record ApiToken(String id, String text) {
    static final String PREFIX = "lnk_";
    private static final Pattern FORM = Pattern.compile("lnk_([0-9a-f]{16})_[A-Za-z0-9_-]{43}");
    private static final Pattern ID = Pattern.compile("[0-9a-f]{16}");

    /** A new key from {@code random}. */
    public static ApiToken generate(SecureRandom random) {
        byte[] id = new byte[8];
        byte[] secret = new byte[32];
        random.nextBytes(id);
        random.nextBytes(secret);
        String hexId = HexFormat.of().formatHex(id);
        return new ApiToken(hexId, PREFIX + hexId + "_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret));
    }

    /** The ID of a presented key that has this form; empty for any other text. */
    public static Optional<String> idOf(String presented) {
        Matcher m = FORM.matcher(presented);
        return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /** Whether {@code id} has the form of a key ID. */
    static boolean isId(String id) {
        return ID.matcher(id).matches();
    }

    /** The SHA-256 of a key's text, as stored. */
    public static byte[] digest(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256 (MessageDigest's required algorithms)", e);
        }
    }

    /** Names the key by its ID only, so that a key never reaches a log through its string form. */
    @Override
    public String toString() {
        return "ApiToken[" + id + "]";
    }
}
