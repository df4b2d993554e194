package net.lorawanns.js.claim;

import java.util.Optional;
import net.lorawanns.core.types.Eui64;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * TR005 device QR codes. The full example is TR005's own, as public TR005 parsers quote it (the document's section 4
 * could not be read here; its Appendix A could): its CheckSum AF2C is the CRC-16/MODBUS of the text before ":C",
 * which fixes the algorithm among the usual CRC-16 variants.
 */
class Tr005QrCodeTest {
    /** TR005's example: every optional field, the CheckSum last. */
    private static final String EXAMPLE =
            "LW:D0:1122334455667788:AABBCCDDEEFF0011:AABB1122:OAABBCCDDEEFF:SYYWWNNNNNN:PFOOBAR:CAF2C";

    @Test
    void theDocumentsExampleIsReadWithItsChecksum() {
        Tr005QrCode code = Tr005QrCode.parse(EXAMPLE);
        assertEquals(Eui64.parse("1122334455667788"), code.joinEui());
        assertEquals(Eui64.parse("AABBCCDDEEFF0011"), code.devEui());
        assertEquals("AABB1122", code.profileId());
        assertEquals(Optional.of(OwnerToken.of("AABBCCDDEEFF")), code.ownerToken());
        assertEquals(Optional.of("YYWWNNNNNN"), code.serialNumber());
        assertEquals(Optional.of("FOOBAR"), code.proprietary());
        assertFalse(code.toString().contains("AABBCCDDEEFF:"), code.toString());
        assertFalse(code.toString().contains("OAABBCCDDEEFF"), code.toString());
    }

    @Test
    void aChecksumThatDoesNotMatchTheTextIsRefused() {
        // One character of the owner token misread: the CheckSum no longer matches.
        String misread = EXAMPLE.replace("OAABBCCDDEEFF", "OAABBCCDDEEFE");
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> Tr005QrCode.parse(misread));
        assertTrue(refused.getMessage().contains("CheckSum"), refused.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Tr005QrCode.parse(EXAMPLE.replace(":CAF2C", ":CAF2D")));
        assertThrows(IllegalArgumentException.class, () -> Tr005QrCode.parse(EXAMPLE.replace(":CAF2C", ":CAF2")));
    }

    @Test
    void theOptionalFieldsMayBeLeftOut() {
        Tr005QrCode minimal = Tr005QrCode.parse("LW:D0:1122334455667788:AABBCCDDEEFF0011:AABB1122");
        assertEquals(Optional.empty(), minimal.ownerToken());
        Tr005QrCode tokenOnly = Tr005QrCode.parse("LW:D0:1122334455667788:AABBCCDDEEFF0011:AABB1122:OAABBCCDDEEFF");
        assertEquals(Optional.of(OwnerToken.of("AABBCCDDEEFF")), tokenOnly.ownerToken());
    }

    @Test
    void malformedCodesAreRefusedNamingThePart() {
        assertThrows(IllegalArgumentException.class, () -> Tr005QrCode.parse("LW:D1:1122334455667788:"
                + "AABBCCDDEEFF0011:AABB1122"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Tr005QrCode.parse(
                "LW:D0:11223344556677:AABBCCDDEEFF0011:AABB1122")).getMessage().contains("JoinEUI"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Tr005QrCode.parse(
                "LW:D0:1122334455667788:AABBCCDDEEFF0011:AABB11")).getMessage().contains("ProfileID"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Tr005QrCode.parse(
                "LW:D0:1122334455667788:AABBCCDDEEFF0011:AABB1122:OAABBCCDDEEFF:OAABBCCDDEEF0")).getMessage()
                .contains("twice"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Tr005QrCode.parse(
                "LW:D0:1122334455667788:AABBCCDDEEFF0011:AABB1122:CAF2C:OAABBCCDDEEFF")).getMessage()
                .contains("last"));
        assertThrows(IllegalArgumentException.class, () -> Tr005QrCode.parse(
                "LW:D0:1122334455667788:AABBCCDDEEFF0011:AABB1122::OAABBCCDDEEFF"));
        assertThrows(IllegalArgumentException.class, () -> Tr005QrCode.parse("LW:D0:" + "A".repeat(600)));
    }
}
