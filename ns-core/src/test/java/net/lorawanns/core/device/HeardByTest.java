package net.lorawanns.core.device;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import net.lorawanns.core.types.Eui64;
import org.junit.jupiter.api.Test;

/**
 * {@link HeardBy}'s stored text: the EUI in 16 upper-case hex digits, {@code +gps}, then {@code /RSSI/SNR} as Java
 * writes the numbers, entries separated by spaces (the format servers already stored, read back by
 * {@link HeardBy#decode}).
 */
class HeardByTest {
    @Test
    void encodesAsStored() {
        List<HeardBy> heard = List.of(new HeardBy(Eui64.parse("AA5500000000000F"), false, -57, 9.5),
                new HeardBy(Eui64.parse("00000000000000A1"), true, -104, -7.25),
                new HeardBy(Eui64.parse("FFFFFFFFFFFFFFFF"), true, -112, null),
                new HeardBy(Eui64.parse("0102030405060708"), false, null, null),
                new HeardBy(Eui64.parse("0102030405060709"), false, -140, -0.0),
                new HeardBy(Eui64.parse("010203040506070A"), false, 3, 12.0));
        String expected = "AA5500000000000F/-57/9.5 00000000000000A1+gps/-104/-7.25 FFFFFFFFFFFFFFFF+gps/-112/"
                + " 0102030405060708 0102030405060709/-140/-0.0 010203040506070A/3/12.0";
        assertEquals(expected, new String(HeardBy.encode(heard), StandardCharsets.US_ASCII));
        assertEquals(heard, HeardBy.decode(expected));
    }

    @Test
    void noGatewaysIsEmpty() {
        assertEquals(0, HeardBy.encode(List.of()).length);
    }
}
