package net.lorawanns.core.crypto;

import static net.lorawanns.sim.TestVectors.beNumber;
import static net.lorawanns.sim.TestVectors.bytes;
import static net.lorawanns.sim.TestVectors.group;
import static net.lorawanns.sim.TestVectors.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import net.lorawanns.core.backend.DnsNames;
import net.lorawanns.core.frame.CfList;
import net.lorawanns.core.frame.DataFrame;
import net.lorawanns.core.frame.Direction;
import net.lorawanns.core.frame.EncryptedJoinAccept;
import net.lorawanns.core.frame.FrameCodec;
import net.lorawanns.core.frame.JoinAccept;
import net.lorawanns.core.frame.JoinRequest;
import net.lorawanns.core.frame.RejoinRequest;
import net.lorawanns.core.types.AesKey;
import net.lorawanns.core.types.DevAddr;
import net.lorawanns.core.types.DevNonce;
import net.lorawanns.core.types.Eui64;
import net.lorawanns.core.types.Hex;
import net.lorawanns.core.types.JoinNonce;
import net.lorawanns.core.types.Mic;
import net.lorawanns.core.types.NetId;
import net.lorawanns.sim.TestVectors;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Every vector of shared/test-vectors/lorawan-crypto.json, asserted against the protocol code. */
class SharedVectorsTest {
    private static final Set<String> GROUPS = Set.of("join_request_mic", "join_accept", "session_keys_1_0",
            "session_keys_1_1", "js_keys", "data_mic_1_0", "data_mic_1_1_uplink", "frm_payload_encryption",
            "fopts_encryption_1_1_errata", "rejoin_request_mic", "aes_key_wrap", "cflist", "dns_names");

    private static AesKey key(JsonNode vector, String field) {
        return AesKey.of(bytes(vector, field));
    }

    @Test
    void everyVectorGroupIsCovered() {
        Set<String> inFile = new TreeSet<>();
        TestVectors.root().fieldNames().forEachRemaining(name -> {
            if (TestVectors.root().get(name).isArray()) {
                inFile.add(name);
            }
        });
        assertEquals(new TreeSet<>(GROUPS), inFile, "a vector group without a test (or a test without vectors)");
    }

    @TestFactory
    List<DynamicTest> joinRequestMic() {
        return each("join_request_mic", v -> {
            JoinRequest request = assertInstanceOf(JoinRequest.class, FrameCodec.decode(bytes(v, "phy_payload")));
            Mic expected = Mic.parse(text(v, "mic"));
            assertEquals(expected, request.mic());
            assertEquals(expected, JoinCrypto.joinRequestMic(key(v, "key"), request));
            if (v.has("join_eui_be")) {
                assertEquals(Eui64.parse(text(v, "join_eui_be")), request.joinEui());
                assertEquals(Eui64.parse(text(v, "dev_eui_be")), request.devEui());
                assertEquals(new DevNonce(v.get("dev_nonce").asInt()), request.devNonce());
            }
        });
    }

    @TestFactory
    List<DynamicTest> joinAccept() {
        return each("join_accept", v -> {
            AesKey key = key(v, "key");
            byte[] clear = concat(bytes(v, "mhdr"), bytes(v, "plaintext_after_mhdr"), bytes(v, "mic"));
            JoinAccept accept = FrameCodec.decodeJoinAccept(clear);
            Mic expected = Mic.parse(text(v, "mic"));
            Mic computed;
            if ("1.0".equals(text(v, "lorawan"))) {
                computed = JoinCrypto.joinAcceptMic(key, accept);
            } else {
                byte[] prefix = bytes(v, "mic_prefix");
                computed = JoinCrypto.joinAcceptMic11(key(v, "mic_key"), prefix[0] & 0xFF, Eui64.fromWire(prefix, 1),
                        DevNonce.fromWire(prefix, 9), accept);
                assertEquals(true, accept.dlSettings().optNeg(), "OptNeg bit of a 1.1 join-accept");
            }
            assertEquals(expected, computed);
            assertArrayEquals(clear, accept.encode(), "join-accept re-encodes to the same bytes");

            byte[] onAir = bytes(v, "encrypted_phy_payload");
            assertArrayEquals(onAir, JoinCrypto.encrypt(key, accept).encode());
            EncryptedJoinAccept received = assertInstanceOf(EncryptedJoinAccept.class, FrameCodec.decode(onAir));
            assertEquals(accept, JoinCrypto.decrypt(key, received));
        });
    }

    @TestFactory
    List<DynamicTest> sessionKeys10() {
        return each("session_keys_1_0", v -> {
            SessionKeys keys = SessionKeys.derive10(key(v, "key"),
                    new JoinNonce((int) beNumber(v, "join_nonce_be")), new NetId((int) beNumber(v, "net_id_be")),
                    new DevNonce((int) beNumber(v, "dev_nonce_be")));
            assertEquals(key(v, "nwk_s_key"), keys.nwkSKey());
            assertEquals(key(v, "app_s_key"), keys.appSKey());
        });
    }

    @TestFactory
    List<DynamicTest> sessionKeys11() {
        return each("session_keys_1_1", v -> {
            SessionKeys keys = SessionKeys.derive11(key(v, "nwk_key"), key(v, "app_key"),
                    new JoinNonce((int) beNumber(v, "join_nonce_be")), Eui64.parse(text(v, "join_eui_be")),
                    new DevNonce((int) beNumber(v, "dev_nonce_be")));
            assertEquals(key(v, "f_nwk_s_int_key"), keys.fNwkSIntKey());
            assertEquals(key(v, "s_nwk_s_int_key"), keys.sNwkSIntKey());
            assertEquals(key(v, "nwk_s_enc_key"), keys.nwkSEncKey());
            assertEquals(key(v, "app_s_key"), keys.appSKey());
        });
    }

    @TestFactory
    List<DynamicTest> joinServerKeys() {
        return each("js_keys", v -> {
            Eui64 devEui = Eui64.parse(text(v, "dev_eui_be"));
            assertEquals(key(v, "js_int_key"), SessionKeys.jsIntKey(key(v, "nwk_key"), devEui));
            assertEquals(key(v, "js_enc_key"), SessionKeys.jsEncKey(key(v, "nwk_key"), devEui));
        });
    }

    @TestFactory
    List<DynamicTest> dataMic10() {
        return each("data_mic_1_0", v -> {
            DataFrame frame = assertInstanceOf(DataFrame.class, FrameCodec.decode(bytes(v, "phy_payload")));
            Direction dir = Direction.values()[v.get("dir").asInt()];
            DevAddr devAddr = DevAddr.parse(text(v, "dev_addr_be"));
            assertEquals(devAddr, frame.devAddr());
            assertEquals(v.get("fcnt").asInt(), frame.fCnt());
            Mic expected = Mic.parse(text(v, "mic"));
            assertEquals(expected, frame.mic());
            assertEquals(expected, DataCrypto.mic10(key(v, "nwk_s_key"), dir, devAddr, frame.fCnt(), frame.micInput()));
            if (dir == Direction.UPLINK) {
                // The received MIC's bytes zeroed: the MIC is computed over what precedes them, not read from them.
                byte[] received = bytes(v, "phy_payload");
                Arrays.fill(received, received.length - Mic.SIZE, received.length, (byte) 0);
                assertEquals(expected, DataCrypto.uplinkMic10(key(v, "nwk_s_key"), devAddr, frame.fCnt(), received),
                        "over the PHYPayload as received");
            }
            if (v.has("app_s_key")) {
                assertEquals(v.get("fport").asInt(), frame.fPort().getAsInt());
                assertArrayEquals(bytes(v, "frm_payload"), frame.frmPayload());
                assertArrayEquals(bytes(v, "plaintext"), DataCrypto.encryptFrmPayload(key(v, "app_s_key"), dir,
                        devAddr, frame.fCnt(), frame.frmPayload()));
            }
        });
    }

    @TestFactory
    List<DynamicTest> dataMic11Uplink() {
        return each("data_mic_1_1_uplink", v -> {
            byte[] msg = bytes(v, "msg");
            DataFrame frame = assertInstanceOf(DataFrame.class, FrameCodec.decode(concat(msg, bytes(v, "mic"))));
            assertEquals(DevAddr.parse(text(v, "dev_addr_be")), frame.devAddr());
            assertEquals(v.get("conf_fcnt").asInt() > 0, frame.fCtrl().ack(), "ConfFCnt only counts with ACK set");
            Mic mic = DataCrypto.micUplink11(key(v, "s_nwk_s_int_key"), key(v, "f_nwk_s_int_key"),
                    v.get("conf_fcnt").asInt(), v.get("tx_dr").asInt(), v.get("tx_ch").asInt(), frame.devAddr(),
                    v.get("fcnt").asLong(), frame.micInput());
            assertEquals(Mic.parse(text(v, "mic")), mic);
            Mic received = DataCrypto.uplinkMic11(key(v, "s_nwk_s_int_key"), key(v, "f_nwk_s_int_key"),
                    v.get("conf_fcnt").asInt(), v.get("tx_dr").asInt(), v.get("tx_ch").asInt(), frame.devAddr(),
                    v.get("fcnt").asLong(), concat(msg, new byte[Mic.SIZE]));
            assertEquals(Mic.parse(text(v, "mic")), received, "over the PHYPayload as received");
        });
    }

    @TestFactory
    List<DynamicTest> frmPayloadEncryption() {
        return each("frm_payload_encryption", v -> {
            Direction dir = Direction.values()[v.get("dir").asInt()];
            DevAddr devAddr = DevAddr.parse(text(v, "dev_addr_be"));
            byte[] cipher = DataCrypto.encryptFrmPayload(key(v, "key"), dir, devAddr, v.get("fcnt").asLong(),
                    bytes(v, "plaintext"));
            assertArrayEquals(bytes(v, "ciphertext"), cipher);
            assertArrayEquals(bytes(v, "plaintext"), DataCrypto.encryptFrmPayload(key(v, "key"), dir, devAddr,
                    v.get("fcnt").asLong(), cipher));
        });
    }

    @TestFactory
    List<DynamicTest> fOptsEncryption11Errata() {
        return each("fopts_encryption_1_1_errata", v -> {
            Direction dir = Direction.values()[v.get("dir").asInt()];
            boolean aFCntDown = v.get("a4").asInt() == 2;
            DevAddr devAddr = DevAddr.parse(text(v, "dev_addr_be"));
            byte[] cipher = DataCrypto.encryptFOpts11(key(v, "nwk_s_enc_key"), dir, aFCntDown, devAddr,
                    v.get("fcnt").asLong(), bytes(v, "plaintext"));
            assertArrayEquals(bytes(v, "ciphertext"), cipher);
            DataFrame frame = assertInstanceOf(DataFrame.class, FrameCodec.decode(bytes(v, "full_frame")));
            assertArrayEquals(cipher, frame.fOpts());
            assertEquals(devAddr, frame.devAddr());
            assertArrayEquals(bytes(v, "full_frame"), frame.encode());
        });
    }

    @TestFactory
    List<DynamicTest> rejoinRequestMic() {
        return each("rejoin_request_mic", v -> {
            byte[] msg = bytes(v, "msg");
            RejoinRequest request = assertInstanceOf(RejoinRequest.class,
                    FrameCodec.decode(concat(msg, new byte[4])));
            assertEquals(msg[1], request.rejoinType());
            assertEquals(Mic.parse(text(v, "mic")), JoinCrypto.rejoinRequestMic(key(v, "key"), request));
        });
    }

    @TestFactory
    List<DynamicTest> aesKeyWrap() {
        return each("aes_key_wrap", v -> {
            assertArrayEquals(bytes(v, "wrapped"), KeyWrap.wrap(key(v, "kek"), key(v, "key")));
            assertEquals(key(v, "key"), KeyWrap.unwrap(key(v, "kek"), bytes(v, "wrapped")));
            byte[] otherKek = bytes(v, "kek");
            otherKek[0] ^= 1;
            assertThrows(KeyWrap.KeyUnwrapException.class, () -> KeyWrap.unwrap(AesKey.of(otherKek), bytes(v, "wrapped")));
        });
    }

    @TestFactory
    List<DynamicTest> cfList() {
        return each("cflist", v -> {
            List<Long> hz = new ArrayList<>();
            v.get("frequencies_mhz").forEach(f -> hz.add(Math.round(f.asDouble() * 1_000_000)));
            assertEquals(0, v.get("cflist_type").asInt());
            CfList list = new CfList.Frequencies(hz);
            assertArrayEquals(bytes(v, "cflist"), list.encode());
            assertEquals(list, CfList.decode(bytes(v, "cflist"), 0));
        });
    }

    @TestFactory
    List<DynamicTest> dnsNames() {
        return each("dns_names", v -> {
            String name = v.has("join_eui")
                    ? DnsNames.joinEui(Eui64.parse(text(v, "join_eui")), text(v, "suffix"))
                    : DnsNames.netId(NetId.parse(text(v, "net_id")), text(v, "suffix"));
            assertEquals(text(v, "name_expected"), name);
        });
    }

    /** One dynamic test per vector, named after it. */
    private static List<DynamicTest> each(String group, VectorCheck check) {
        return group(group).stream()
                .map(v -> DynamicTest.dynamicTest(v.path("name").asText(), () -> check.accept(v)))
                .toList();
    }

    private static byte[] concat(byte[]... parts) {
        byte[] out = new byte[Arrays.stream(parts).mapToInt(p -> p.length).sum()];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, out, at, part.length);
            at += part.length;
        }
        return out;
    }

    @FunctionalInterface
    private interface VectorCheck {
        void accept(JsonNode vector) throws Exception;
    }

    @Test
    void hexOfSecretsIsNeverEchoed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AesKey.parse("0102030405060708090a0b0c0d0e0fXX", "AppKey"));
        assertEquals(false, e.getMessage().contains("0102"), e.getMessage());
        assertEquals("AesKey[****]", AesKey.of(new byte[16]).toString());
        assertEquals("SessionKeys[****]", SessionKeys.lorawan10(AesKey.of(new byte[16]), AesKey.of(new byte[16])).toString());
        assertEquals("00", Hex.lower(new byte[1]));
    }
}
