package net.lorawanns.core.types;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ValueTypesTest {

    @Test
    void eui64ParsesStrictlyAndSendsLittleEndian() {
        Eui64 eui = Eui64.parse("0x70b3d57ed0000000");
        assertEquals("70B3D57ED0000000", eui.toString());
        byte[] wire = new byte[8];
        eui.toWire(wire, 0);
        assertArrayEquals(Hex.decode("000000d07ed5b370"), wire);
        assertEquals(eui, Eui64.fromWire(wire, 0));
        assertEquals(eui, Eui64.fromBigEndian(eui.toBigEndian(), 0));
        IllegalArgumentException shortOne = assertThrows(IllegalArgumentException.class, () -> Eui64.parse("70b3d5"));
        assertEquals("EUI-64 must be 16 hex digits, got 6: '70b3d5'", shortOne.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Eui64.parse("70b3d57ed000000g"));
        assertThrows(IllegalArgumentException.class, () -> Eui64.parse(null));
    }

    @Test
    void netIdTypesGiveTheirDevAddrPrefixes() {
        // The Things Network, NetID 000013 (type 0): DevAddrs 26000000/7.
        assertEquals("26000000/7", NetId.parse("000013").devAddrPrefix().toString());
        // NetID 000000 (experimental): 00000000/7.
        assertEquals("00000000/7", NetId.parse("000000").devAddrPrefix().toString());
        // Type 1, ID 0x2A: prefix 10 | 101010 -> 1010 1010 = AA, 8 bits.
        assertEquals("AA000000/8", NetId.parse("20002A").devAddrPrefix().toString());
        // Type 3, ID 0x000123: prefix 1110 | NwkID 11 bits 00100100011 -> 15 bits.
        assertEquals("E2460000/15", NetId.parse("600123").devAddrPrefix().toString());
        // Type 6, ID 0x000053: prefix 1111110 | NwkID 15 bits -> 22 bits: FC00 | 0x53 << 10.
        assertEquals("FC014C00/22", NetId.parse("C00053").devAddrPrefix().toString());
        // Type 7: 11111110 | 17 bits of NwkID -> 25 bits.
        assertEquals("FE000080/25", NetId.parse("E00001").devAddrPrefix().toString());
    }

    @Test
    void devAddrKnowsItsTypeAndNetwork() {
        DevAddr ttn = DevAddr.parse("26011234");
        assertEquals(DevAddrType.TYPE_0, ttn.type());
        assertEquals(0x13, ttn.nwkId());
        assertTrue(ttn.belongsTo(NetId.parse("000013")));
        assertFalse(ttn.belongsTo(NetId.parse("000000")));
        assertNull(DevAddr.parse("FF000000").type());
        assertEquals(-1, DevAddr.parse("FF000000").nwkId());
        DevAddr type6 = NetId.parse("C00053").devAddrPrefix().withSuffix(0x3FF);
        assertEquals(DevAddrType.TYPE_6, type6.type());
        assertEquals(0x53, type6.nwkId());
        assertEquals("FC014FFF", type6.toString());
    }

    @Test
    void devAddrPrefixParsesAndRejects() {
        DevAddrPrefix prefix = DevAddrPrefix.parse("26000000/7");
        assertTrue(prefix.contains(DevAddr.parse("27FFFFFF")));
        assertFalse(prefix.contains(DevAddr.parse("28000000")));
        assertThrows(IllegalArgumentException.class, () -> DevAddrPrefix.parse("27000000/7"));
        assertThrows(IllegalArgumentException.class, () -> DevAddrPrefix.parse("26000000"));
        assertThrows(IllegalArgumentException.class, () -> DevAddrPrefix.parse("26000000/33"));
        assertTrue(DevAddrPrefix.parse("00000000/0").contains(DevAddr.parse("FFFFFFFF")));
    }

    @Test
    void noncesAndVersions() {
        assertThrows(IllegalArgumentException.class, () -> new DevNonce(0x10000));
        assertThrows(IllegalArgumentException.class, () -> new JoinNonce(0x1000000));
        assertEquals(MacVersion.LORAWAN_1_1_0, MacVersion.parse("1.1"));
        assertEquals(MacVersion.LORAWAN_1_0_3, MacVersion.parse("1.0.3"));
        assertFalse(MacVersion.LORAWAN_1_0_3.devNonceIsCounter());
        assertTrue(MacVersion.LORAWAN_1_0_4.devNonceIsCounter());
        assertThrows(IllegalArgumentException.class, () -> MacVersion.parse("1.2"));
        assertEquals(RegParamsRevision.RP002_1_0_3, RegParamsRevision.parse("RP002-1.0.3"));
        assertEquals(Mic.parse("c65b1304"), Mic.of(Hex.decode("c65b1304"), 0));
    }

    @Test
    void aesKeyNeverShowsItsBytes() {
        AesKey key = AesKey.parse("2B7E151628AED2A6ABF7158809CF4F3C", "AppKey");
        assertEquals("AesKey[****]", key.toString());
        assertEquals(key, AesKey.parse("0x2b7e151628aed2a6abf7158809cf4f3c", "AppKey"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AesKey.parse("2B7E151628AED2A6ABF7158809CF4F", "AppKey"));
        assertEquals("AppKey must be 32 hex digits, got 30", e.getMessage());
    }
}
