package net.lorawanns.sim;

import static net.lorawanns.sim.TestVectors.bytes;
import static net.lorawanns.sim.TestVectors.group;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The test devices' own crypto against the shared vectors: the end-to-end tests' device side is right. */
class DeviceCryptoTest {
    @Test
    void joinRequestMics() {
        for (JsonNode v : group("join_request_mic")) {
            byte[] phy = bytes(v, "phy_payload");
            assertArrayEquals(bytes(v, "mic"), DeviceCrypto.mic(bytes(v, "key"), Arrays.copyOf(phy, phy.length - 4)),
                    v.get("name").asText());
        }
    }

    /** The test device's rejoin-requests, framed and signed as in the vectors (RJcount 0x0102, EUIs 0102...08). */
    @Test
    void rejoinRequests() {
        for (JsonNode v : group("rejoin_request_mic")) {
            byte[] msg = bytes(v, "msg");
            byte[] expected = DeviceCrypto.concat(msg, bytes(v, "mic"));
            byte[] built = msg[1] == 1
                    ? SpecDevice.rejoinType1(bytes(v, "key"), "0102030405060708", "0102030405060708", 0x0102)
                    : SpecDevice.rejoinType0or2(bytes(v, "key"), msg[1], Arrays.copyOfRange(msg, 2, 5),
                            "0102030405060708", 0x0102);
            assertArrayEquals(expected, built, v.get("name").asText());
        }
    }

    @Test
    void joinAcceptDecryptionAndMic() {
        for (JsonNode v : group("join_accept")) {
            if (!"1.0".equals(v.get("lorawan").asText())) {
                continue;
            }
            byte[] encrypted = bytes(v, "encrypted_phy_payload");
            byte[] clear = new byte[encrypted.length - 1];
            for (int i = 1; i < encrypted.length; i += 16) {
                System.arraycopy(DeviceCrypto.aesEncrypt(bytes(v, "key"), Arrays.copyOfRange(encrypted, i, i + 16)), 0,
                        clear, i - 1, 16);
            }
            byte[] plain = bytes(v, "plaintext_after_mhdr");
            assertArrayEquals(plain, Arrays.copyOf(clear, plain.length), v.get("name").asText());
            assertArrayEquals(bytes(v, "mic"), DeviceCrypto.mic(bytes(v, "key"), bytes(v, "mhdr"), plain));
        }
    }

    @Test
    void sessionKeys() {
        JsonNode v10 = group("session_keys_1_0").get(0);
        byte[] nonces = DeviceCrypto.concat(DeviceCrypto.reversed(bytes(v10, "join_nonce_be")),
                DeviceCrypto.reversed(bytes(v10, "net_id_be")), DeviceCrypto.reversed(bytes(v10, "dev_nonce_be")));
        assertArrayEquals(bytes(v10, "nwk_s_key"), DeviceCrypto.derive(bytes(v10, "key"), 1, nonces));
        assertArrayEquals(bytes(v10, "app_s_key"), DeviceCrypto.derive(bytes(v10, "key"), 2, nonces));

        JsonNode v11 = group("session_keys_1_1").get(0);
        byte[] fields = DeviceCrypto.concat(DeviceCrypto.reversed(bytes(v11, "join_nonce_be")),
                DeviceCrypto.reversed(bytes(v11, "join_eui_be")), DeviceCrypto.reversed(bytes(v11, "dev_nonce_be")));
        assertArrayEquals(bytes(v11, "f_nwk_s_int_key"), DeviceCrypto.derive(bytes(v11, "nwk_key"), 1, fields));
        assertArrayEquals(bytes(v11, "s_nwk_s_int_key"), DeviceCrypto.derive(bytes(v11, "nwk_key"), 3, fields));
        assertArrayEquals(bytes(v11, "nwk_s_enc_key"), DeviceCrypto.derive(bytes(v11, "nwk_key"), 4, fields));
        assertArrayEquals(bytes(v11, "app_s_key"), DeviceCrypto.derive(bytes(v11, "app_key"), 2, fields));

        JsonNode js = group("js_keys").get(0);
        byte[] devEui = DeviceCrypto.reversed(bytes(js, "dev_eui_be"));
        assertArrayEquals(bytes(js, "js_int_key"), DeviceCrypto.derive(bytes(js, "nwk_key"), 6, devEui));
        assertArrayEquals(bytes(js, "js_enc_key"), DeviceCrypto.derive(bytes(js, "nwk_key"), 5, devEui));
    }

    @Test
    void dataMicsAndPayloadEncryption() {
        for (JsonNode v : group("data_mic_1_0")) {
            if (!v.has("phy_payload") || !v.has("fcnt")) {
                continue;
            }
            byte[] phy = bytes(v, "phy_payload");
            byte[] msg = Arrays.copyOf(phy, phy.length - 4);
            byte[] devAddr = DeviceCrypto.reversed(bytes(v, "dev_addr_be"));
            assertArrayEquals(bytes(v, "mic"), DeviceCrypto.mic(bytes(v, "nwk_s_key"),
                    DeviceCrypto.b0(v.get("dir").asInt(), devAddr, v.get("fcnt").asLong(), msg.length), msg),
                    v.get("name").asText());
            if (v.has("plaintext")) {
                assertArrayEquals(bytes(v, "frm_payload"), DeviceCrypto.cipherStream(bytes(v, "app_s_key"),
                        v.get("dir").asInt(), devAddr, v.get("fcnt").asLong(), bytes(v, "plaintext"), 0));
            }
        }
        for (JsonNode v : group("data_mic_1_1_uplink")) {
            byte[] msg = bytes(v, "msg");
            byte[] devAddr = DeviceCrypto.reversed(bytes(v, "dev_addr_be"));
            long fCnt = v.get("fcnt").asLong();
            byte[] b1 = DeviceCrypto.b0(0, devAddr, fCnt, msg.length);
            b1[1] = (byte) v.get("conf_fcnt").asInt();
            b1[2] = (byte) (v.get("conf_fcnt").asInt() >>> 8);
            b1[3] = (byte) v.get("tx_dr").asInt();
            b1[4] = (byte) v.get("tx_ch").asInt();
            byte[] s = DeviceCrypto.mic(bytes(v, "s_nwk_s_int_key"), b1, msg);
            byte[] f = DeviceCrypto.mic(bytes(v, "f_nwk_s_int_key"), DeviceCrypto.b0(0, devAddr, fCnt, msg.length), msg);
            assertArrayEquals(bytes(v, "mic"), new byte[] {s[0], s[1], f[0], f[1]}, v.get("name").asText());
        }
        for (JsonNode v : group("frm_payload_encryption")) {
            assertArrayEquals(bytes(v, "ciphertext"), DeviceCrypto.cipherStream(bytes(v, "key"), v.get("dir").asInt(),
                    DeviceCrypto.reversed(bytes(v, "dev_addr_be")), v.get("fcnt").asLong(), bytes(v, "plaintext"), 0));
        }
        for (JsonNode v : group("fopts_encryption_1_1_errata")) {
            assertArrayEquals(bytes(v, "ciphertext"), DeviceCrypto.cipherStream(bytes(v, "nwk_s_enc_key"),
                    v.get("dir").asInt(), DeviceCrypto.reversed(bytes(v, "dev_addr_be")), v.get("fcnt").asLong(),
                    bytes(v, "plaintext"), v.get("a4").asInt()));
        }
    }

    @Test
    void keyUnwrap() {
        for (JsonNode v : group("aes_key_wrap")) {
            assertArrayEquals(bytes(v, "key"), DeviceCrypto.unwrap(bytes(v, "kek"), bytes(v, "wrapped")),
                    v.get("name").asText());
            assertArrayEquals(bytes(v, "wrapped"), DeviceCrypto.wrap(bytes(v, "kek"), bytes(v, "key")),
                    v.get("name").asText());
        }
    }
}
