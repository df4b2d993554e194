package net.lorawanns.js.claim;

import java.util.HashSet;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import net.lorawanns.core.types.Eui64;

/**
 * The text of a device identification QR code of LoRa Alliance TR005 (schema D0):
 * {@code LW:D0:<JoinEUI>:<DevEUI>:<ProfileID>} followed by optional fields separated by ':', each a one-letter tag and
 * its value: {@code O} OwnerToken, {@code S} serial number, {@code P} proprietary, and {@code C} CheckSum, which comes
 * last. ProfileID is the VendorID and the vendor's profile ID, 4 hex digits each. CheckSum is 4 hex digits of the
 * CRC-16/MODBUS (polynomial 0x8005 reflected, initial value 0xFFFF) of every character before {@code :C}: the one
 * CRC-16 that gives the document's example its CheckSum ({@code ...:PFOOBAR:CAF2C}); when present it must match. Fields with other tags are ignored
 * (later revisions may add some); a tag given twice is refused. The owner token never appears in
 * {@link #toString()}.
 */
public record Tr005QrCode(Eui64 joinEui, Eui64 devEui, String profileId, Optional<OwnerToken> ownerToken,
                          Optional<String> serialNumber, Optional<String> proprietary) {
    /** Longest text accepted: a QR code holds far less in practice; bounds the work of one request. */
    public static final int MAX_LENGTH = 512;

    /** Reads a QR code's text; a malformed one is refused naming the part at fault (never the owner token). */
    public static Tr005QrCode parse(String text) {
        if (text == null || text.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("a TR005 QR code is LW:D0:<JoinEUI>:<DevEUI>:<ProfileID>[:<fields>], "
                    + "at most " + MAX_LENGTH + " characters");
        }
        String[] parts = text.split(":", -1);
        if (parts.length < 5 || !"LW".equals(parts[0]) || !"D0".equals(parts[1])) {
            throw new IllegalArgumentException("not a TR005 device QR code: it starts LW:D0: and has JoinEUI, DevEUI "
                    + "and ProfileID");
        }
        Eui64 joinEui = eui(parts[2], "JoinEUI");
        Eui64 devEui = eui(parts[3], "DevEUI");
        String profileId = parts[4];
        if (profileId.length() != 8 || !isHex(profileId)) {
            throw new IllegalArgumentException("the ProfileID of a TR005 QR code is 8 hex digits (VendorID and "
                    + "profile), got '" + profileId + "'");
        }
        Optional<OwnerToken> ownerToken = Optional.empty();
        Optional<String> serialNumber = Optional.empty();
        Optional<String> proprietary = Optional.empty();
        Set<Character> tags = new HashSet<>();
        for (int i = 5; i < parts.length; i++) {
            String field = parts[i];
            if (field.isEmpty()) {
                throw new IllegalArgumentException("field " + (i + 1) + " of the TR005 QR code is empty");
            }
            char tag = field.charAt(0);
            String value = field.substring(1);
            if (!tags.add(tag)) {
                throw new IllegalArgumentException("the TR005 QR code has field " + tag + " twice");
            }
            switch (tag) {
                case 'O' -> ownerToken = Optional.of(ownerToken(value));
                case 'S' -> serialNumber = Optional.of(value);
                case 'P' -> proprietary = Optional.of(value);
                case 'C' -> {
                    if (i != parts.length - 1) {
                        throw new IllegalArgumentException("the CheckSum (C) of a TR005 QR code is its last field");
                    }
                    verifyChecksum(text, value);
                }
                default -> {
                    // A tag of a later revision: carried by the code, not needed to claim.
                }
            }
        }
        return new Tr005QrCode(joinEui, devEui, profileId.toUpperCase(java.util.Locale.ROOT), ownerToken,
                serialNumber, proprietary);
    }

    /** CRC-16/MODBUS of {@code text}'s bytes (ASCII). */
    static int crc16Modbus(String text) {
        int crc = 0xFFFF;
        for (int i = 0; i < text.length(); i++) {
            crc ^= text.charAt(i) & 0xFF;
            for (int bit = 0; bit < 8; bit++) {
                crc = (crc & 1) != 0 ? (crc >>> 1) ^ 0xA001 : crc >>> 1;
            }
        }
        return crc;
    }

    private static void verifyChecksum(String text, String value) {
        if (value.length() != 4 || !isHex(value)) {
            throw new IllegalArgumentException("the CheckSum (C) of a TR005 QR code is 4 hex digits");
        }
        String covered = text.substring(0, text.lastIndexOf(":C"));
        int expected = crc16Modbus(covered);
        if (Integer.parseInt(value, 16) != expected) {
            throw new IllegalArgumentException("the CheckSum of the TR005 QR code does not match its text (misread "
                    + "or altered code)");
        }
    }

    private static OwnerToken ownerToken(String value) {
        try {
            return OwnerToken.of(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the OwnerToken (O) of the TR005 QR code: " + e.getMessage());
        }
    }

    private static Eui64 eui(String text, String what) {
        if (text.length() != 16 || !isHex(text)) {
            throw new IllegalArgumentException("the " + what + " of a TR005 QR code is 16 hex digits, got '" + text
                    + "'");
        }
        return Eui64.parse(text);
    }

    private static boolean isHex(String text) {
        try {
            HexFormat.of().parseHex(text);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return "Tr005QrCode[LW:D0:" + joinEui + ":" + devEui + ":" + profileId
                + ownerToken.map(token -> ", O ****").orElse("") + serialNumber.map(s -> ", S " + s).orElse("")
                + proprietary.map(p -> ", P " + p).orElse("") + "]";
    }
}
