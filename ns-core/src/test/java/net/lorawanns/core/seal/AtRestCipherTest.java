package net.lorawanns.core.seal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import net.lorawanns.core.types.AesKey;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.modes.GCMModeCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.junit.jupiter.api.Test;

/** Sealing and opening records: what opens, and the clear errors for what does not. */
class AtRestCipherTest {
    private static final String OLD_HEX = "000102030405060708090A0B0C0D0E0F";
    private static final String NEW_HEX = "F0E0D0C0B0A090807060504030201000";
    private static final MasterKey OLD = new MasterKey("old", AesKey.of(HexFormat.of().parseHex(OLD_HEX)));
    private static final MasterKey NEW = new MasterKey("new", AesKey.of(HexFormat.of().parseHex(NEW_HEX)));
    private static final byte[] SECRET = HexFormat.of().parseHex("2B7E151628AED2A6ABF7158809CF4F3C");

    private final AtRestCipher cipher = new AtRestCipher(NEW, List.of());

    @Test
    void aSealedRecordOpensWithItsOwnerOnlyAndHidesThePlaintext() {
        JsonObject sealed = cipher.seal(new JsonObject(), SECRET, kid -> owner("0102030405060708", kid));
        assertEquals("new", sealed.getString("kid"));
        assertEquals(12, Base64.getDecoder().decode(sealed.getString("nonce")).length);
        assertFalse(sealed.encode().toUpperCase().contains(HexFormat.of().withUpperCase().formatHex(SECRET)));
        assertFalse(sealed.encode().contains(Base64.getEncoder().encodeToString(SECRET)));
        assertArrayEquals(SECRET, cipher.open(sealed, owner("0102030405060708", "new"), "the keys of 0102030405060708"));

        SealedRecordException moved = assertThrows(SealedRecordException.class,
                () -> cipher.open(sealed, owner("0102030405060709", "new"), "the keys of 0102030405060709"));
        assertTrue(moved.getMessage().contains("or the record was altered"), moved.getMessage());
    }

    @Test
    void aTamperedRecordIsRefused() {
        JsonObject sealed = cipher.seal(new JsonObject(), SECRET, kid -> owner("0102030405060708", kid));
        byte[] ciphertext = Base64.getDecoder().decode(sealed.getString("ciphertext"));
        ciphertext[0] ^= 1;
        JsonObject flipped = sealed.copy().put("ciphertext", Base64.getEncoder().encodeToString(ciphertext));
        SealedRecordException altered = assertThrows(SealedRecordException.class,
                () -> cipher.open(flipped, owner("0102030405060708", "new"), "the keys of 0102030405060708"));
        assertTrue(altered.getMessage().contains("internal_js.master_key"), altered.getMessage());

        JsonObject noNonce = sealed.copy().put("nonce", "AAAA");
        SealedRecordException broken = assertThrows(SealedRecordException.class,
                () -> cipher.open(noNonce, owner("0102030405060708", "new"), "the keys of 0102030405060708"));
        assertTrue(broken.getMessage().contains("not a sealed record"), broken.getMessage());
    }

    @Test
    void anUnknownKeyIdNamesTheSettingsToCheck() {
        JsonObject sealed = new AtRestCipher(OLD, List.of()).seal(new JsonObject(), SECRET,
                kid -> owner("0102030405060708", kid));
        SealedRecordException unknown = assertThrows(SealedRecordException.class,
                () -> cipher.open(sealed, owner("0102030405060708", "old"), "the keys of 0102030405060708"));
        String message = unknown.getMessage();
        assertTrue(message.contains("master key ID 'old'"), message);
        assertTrue(message.contains("internal_js.master_key_id is 'new'"), message);
        assertTrue(message.contains("internal_js.previous_master_keys"), message);
        assertFalse(message.contains(OLD_HEX) || message.contains(NEW_HEX), message);
    }

    @Test
    void aPreviousKeyStillOpensWhileNewRecordsUseTheCurrentOne() {
        JsonObject sealed = new AtRestCipher(OLD, List.of()).seal(new JsonObject(), SECRET,
                kid -> owner("0102030405060708", kid));
        AtRestCipher rotating = new AtRestCipher(NEW, List.of(OLD));
        assertArrayEquals(SECRET, rotating.open(sealed, owner("0102030405060708", "old"), "the keys"));
        assertEquals("new", rotating.seal(new JsonObject(), SECRET, kid -> owner("0102030405060708", kid))
                .getString("kid"));
    }

    @Test
    void theCompactFormIsTheNonceThenAes128GcmAsAnotherImplementationReadsIt() throws InvalidCipherTextException {
        byte[] aad = owner("0102030405060708", "new");
        byte[] sealed = cipher.sealCompact(SECRET, aad);
        assertEquals(12 + SECRET.length + 16, sealed.length);

        GCMModeCipher gcm = GCMBlockCipher.newInstance(AESEngine.newInstance());
        gcm.init(false, new AEADParameters(new KeyParameter(HexFormat.of().parseHex(NEW_HEX)), 128,
                Arrays.copyOf(sealed, 12), aad));
        byte[] plain = new byte[gcm.getOutputSize(sealed.length - 12)];
        int length = gcm.processBytes(sealed, 12, sealed.length - 12, plain, 0);
        length += gcm.doFinal(plain, length);
        assertArrayEquals(SECRET, Arrays.copyOf(plain, length));
    }

    @Test
    void aRefusedRecordLeavesTheThreadAbleToSealAndOpenUnderEitherKey() throws Exception {
        AtRestCipher rotating = new AtRestCipher(NEW, List.of(OLD));
        byte[] aad = owner("0102030405060708", "new");
        byte[] tampered = cipher.sealCompact(SECRET, aad);
        tampered[tampered.length - 1] ^= 1;
        assertThrows(SealedRecordException.class, () -> cipher.openCompact("new", tampered, 0, aad, "the keys"));

        byte[] underOld = new AtRestCipher(OLD, List.of()).sealCompact(SECRET, owner("0102030405060708", "old"));
        byte[] underNew = rotating.sealCompact(SECRET, aad);
        assertArrayEquals(SECRET, rotating.openCompact("old", underOld, 0, owner("0102030405060708", "old"), "x"));
        assertArrayEquals(SECRET, rotating.openCompact("new", underNew, 0, aad, "x"));

        byte[] sealedElsewhere = CompletableFuture.supplyAsync(() -> rotating.sealCompact(SECRET, aad)).get();
        assertArrayEquals(SECRET, rotating.openCompact("new", sealedElsewhere, 0, aad, "x"));
        assertArrayEquals(SECRET, CompletableFuture.supplyAsync(
                () -> rotating.openCompact("new", underNew, 0, aad, "x")).get());
    }

    private static byte[] owner(String devEui, String kid) {
        return ("test|" + devEui + "|" + kid).getBytes(StandardCharsets.UTF_8);
    }
}
