package net.lorawanns.bridge;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import net.lorawanns.core.gateway.CrcStatus;
import net.lorawanns.core.gateway.GatewayStats;
import net.lorawanns.core.gateway.RxInfo;
import net.lorawanns.core.gateway.UplinkFrame;
import net.lorawanns.core.region.DataRate;
import net.lorawanns.core.types.Eui64;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PushDataDecoderTest {
    private static final Eui64 GATEWAY = Eui64.parse("0016C001FF10A235");
    private static final Instant NOW = Instant.parse("2026-11-22T00:00:00Z");
    private final PushDataDecoder decoder = new PushDataDecoder(false, false);

    @Test
    void packetForwarderV1() throws Exception {
        PushData push = decode("packet_forwarder_v1.json");
        assertEquals(2, push.frames().size());
        assertEquals(List.of(DropReason.CRC_BAD), push.rejected().stream().map(PushData.RejectedRxpk::reason).toList());

        UplinkFrame lora = push.frames().get(0);
        assertArrayEquals(HexFormat.of().parseHex("40f17dbe4900020001954378762b11ff0d"), lora.phyPayload());
        assertEquals(868_100_000L, lora.frequencyHz());
        assertEquals(new DataRate.LoRa(7, 125_000), lora.dataRate());
        assertEquals("4/5", lora.codingRate());
        assertEquals(CrcStatus.OK, lora.crcStatus());
        RxInfo rx = lora.rxInfo().get(0);
        assertEquals(GATEWAY, rx.gatewayEui());
        assertEquals(3512348611L, rx.tmst());
        assertEquals(Instant.parse("2013-03-31T16:21:17.528002Z"), rx.time());
        assertEquals(2, rx.channel());
        assertEquals(0, rx.rfChain());
        assertEquals(-35, rx.rssi());
        assertEquals(9.5, rx.snr());
        assertNull(rx.signalRssi());
        assertEquals(NOW, rx.receivedAt());

        UplinkFrame fsk = push.frames().get(1);
        assertEquals(new DataRate.Fsk(50_000), fsk.dataRate());
        assertEquals(868_800_000L, fsk.frequencyHz());
        assertNull(fsk.codingRate());
        assertNull(fsk.rxInfo().get(0).snr());
    }

    @Test
    void packetForwarderV1Status() throws Exception {
        GatewayStats stats = decode("packet_forwarder_v1_stat.json").stats();
        assertEquals(Instant.parse("2014-01-12T08:59:28Z"), stats.time());
        assertEquals(46.24, stats.latitude());
        assertEquals(3.2523, stats.longitude());
        assertEquals(145, stats.altitude());
        assertEquals(2L, stats.rxReceived());
        assertEquals(2L, stats.rxOk());
        assertEquals(2L, stats.rxForwarded());
        assertEquals(100.0, stats.ackRatio());
        assertEquals(2L, stats.downlinkReceived());
        assertEquals(2L, stats.txEmitted());
        assertNull(stats.temperature());
    }

    @Test
    void sx1302HalV2() throws Exception {
        PushData push = decode("sx1302_hal_v2.json");
        UplinkFrame join = push.frames().get(0);
        assertEquals(23, join.phyPayload().length);
        assertEquals(867_300_000L, join.frequencyHz());
        assertEquals(new DataRate.LoRa(9, 125_000), join.dataRate());
        RxInfo rx = join.rxInfo().get(0);
        assertEquals(1709012345L, rx.tmst());
        assertEquals(1399716690123L, rx.gpsTimeMillis());
        assertEquals(123456789L, rx.fineTimestampNanos());
        assertEquals(4, rx.channel());
        assertEquals(1, rx.rfChain());
        assertEquals(-96, rx.rssi());
        assertEquals(-98, rx.signalRssi());
        assertEquals(-2.8, rx.snr());
        assertEquals(-1412, rx.frequencyOffsetHz());
    }

    @Test
    void sx1302HalV2WithStatus() throws Exception {
        PushData push = decode("sx1302_hal_v2_stat.json");
        assertEquals(4294967295L, push.frames().get(0).rxInfo().get(0).tmst(), "tmst is an unsigned 32-bit counter");
        GatewayStats stats = push.stats();
        assertEquals(Instant.parse("2024-05-14T10:11:42Z"), stats.time());
        assertEquals(41.5, stats.temperature());
        assertEquals(12L, stats.rxReceived());
        assertEquals(10L, stats.rxOk());
    }

    @Test
    void rsigGivesOneRxInfoPerAntenna() throws Exception {
        UplinkFrame frame = decode("rsig_v2.json").frames().get(0);
        assertEquals(2, frame.rxInfo().size());
        RxInfo first = frame.rxInfo().get(0);
        RxInfo second = frame.rxInfo().get(1);
        assertEquals(0, first.antenna());
        assertEquals(5, first.channel());
        assertEquals(-90, first.rssi());
        assertEquals(-94, first.signalRssi());
        assertEquals(6.2, first.snr());
        assertEquals(-205, first.frequencyOffsetHz());
        assertEquals(1, second.antenna());
        assertEquals(13, second.channel());
        assertEquals(-103, second.rssi());
        assertEquals(-1.5, second.snr());
        assertEquals(879561460L, second.tmst());
        assertEquals(1237203623913L, second.gpsTimeMillis());
    }

    @Test
    void crcFramesCanBeForwardedWhenConfigured() throws Exception {
        PushData push = new PushDataDecoder(true, true).decode(GATEWAY, fixture("packet_forwarder_v1.json"), 0,
                fixture("packet_forwarder_v1.json").length, NOW);
        assertEquals(3, push.frames().size());
        assertEquals(CrcStatus.BAD, push.frames().get(2).crcStatus());
    }

    @Test
    void eachBadRxpkIsRejectedWithItsReason() throws Exception {
        String good = "{\"tmst\":1,\"freq\":868.1,\"stat\":1,\"modu\":\"LORA\",\"datr\":\"SF7BW125\",\"codr\":\"4/5\","
                + "\"rssi\":-50,\"lsnr\":7,\"size\":17,\"data\":\"QPF9vkkAAgABlUN4disR/w0=\"}";
        String json = "{\"rxpk\":[" + good
                + ",{\"tmst\":1,\"freq\":868.1,\"modu\":\"LORA\",\"datr\":\"SF7BW125\",\"codr\":\"4/5\",\"size\":16,\"data\":\"QPF9vkkAAgABlUN4disR/w0=\"}"
                + ",{\"tmst\":1,\"freq\":868.1,\"modu\":\"LORA\",\"datr\":\"SF7BW125\",\"codr\":\"4/5\",\"data\":\"-DS4CGaDCdG+48eJ\"}"
                + ",{\"freq\":868.1,\"modu\":\"LORA\",\"datr\":\"SF7BW125\",\"codr\":\"4/5\",\"data\":\"QPF9\"}"
                + ",{\"tmst\":\"1\",\"freq\":868.1,\"modu\":\"LORA\",\"datr\":\"SF7BW125\",\"codr\":\"4/5\",\"data\":\"QPF9\"}"
                + ",{\"tmst\":1,\"freq\":868.1,\"modu\":\"LORA\",\"datr\":\"SF13BW125\",\"codr\":\"4/5\",\"data\":\"QPF9\"}"
                + ",{\"tmst\":1,\"freq\":868.1,\"modu\":\"LORA\",\"datr\":\"SF7BW125\",\"codr\":\"5/4\",\"data\":\"QPF9\"}"
                + ",{\"tmst\":1,\"freq\":868.1,\"stat\":0,\"modu\":\"LORA\",\"datr\":\"SF7BW125\",\"codr\":\"4/5\",\"data\":\"QPF9\"}"
                + ",{\"tmst\":4294967296,\"freq\":868.1,\"modu\":\"LORA\",\"datr\":\"SF7BW125\",\"codr\":\"4/5\",\"data\":\"QPF9\"}"
                + ",[1,2]"
                + "]}";
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        PushData push = decoder.decode(GATEWAY, bytes, 0, bytes.length, NOW);
        assertEquals(1, push.frames().size());
        assertEquals(List.of(DropReason.SIZE_MISMATCH, DropReason.INVALID_BASE64, DropReason.MISSING_FIELD,
                DropReason.BAD_FIELD, DropReason.BAD_FIELD, DropReason.BAD_FIELD, DropReason.CRC_MISSING,
                DropReason.BAD_FIELD, DropReason.BAD_FIELD),
                push.rejected().stream().map(PushData.RejectedRxpk::reason).toList());
    }

    @Test
    void longInterleavingAndTwoPointFourGigahertzRates() throws Exception {
        assertEquals(new DataRate.LoRa(12, 812_500), PushDataDecoder.loRaDataRate("SF12BW812"));
        String json = "{\"rxpk\":[{\"tmst\":1,\"freq\":2403.0,\"modu\":\"LORA\",\"datr\":\"SF8BW812\",\"codr\":\"4/8LI\","
                + "\"data\":\"QPF9vkkAAgABlUN4disR/w0=\"}]}";
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        UplinkFrame frame = decoder.decode(GATEWAY, bytes, 0, bytes.length, NOW).frames().get(0);
        assertEquals("4/8LI", frame.codingRate());
        assertEquals(2_403_000_000L, frame.frequencyHz());
    }

    @Test
    void wholeDatagramErrors() {
        assertEquals(DropReason.INVALID_JSON, reason("{\"rxpk\":[}"));
        assertEquals(DropReason.INVALID_JSON, reason("[]"));
        assertEquals(DropReason.INVALID_JSON, reason("{\"rxpk\":{}}"));
        assertEquals(DropReason.INVALID_JSON, reason("{} {}"));
        assertEquals(DropReason.INVALID_JSON, reason(""));
        byte[] badUtf8 = {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
        assertEquals(DropReason.INVALID_UTF8, assertThrows(MalformedDatagramException.class,
                () -> decoder.decode(GATEWAY, badUtf8, 0, badUtf8.length, NOW)).reason());
    }

    private DropReason reason(String json) {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        return assertThrows(MalformedDatagramException.class,
                () -> decoder.decode(GATEWAY, bytes, 0, bytes.length, NOW)).reason();
    }

    /** The SNR is the number as written, whatever it is: -0.0 stays negative, and more decimals stay. */
    @Test
    void theSnrIsTheNumberAsWritten() throws Exception {
        for (String lsnr : new String[] {"-2.8", "9.5", "0", "0.0", "-0.0", "10", "-20.25", "50.0", "-50.0", "50.1",
            "-50.05", "1e-1", "0.30000000000000004", "13.500000000000002", "-7.2E1",
            "-9.223372036854776E17", "9.223372036854776E17"}) {
            byte[] json = ("{\"rxpk\":[{\"tmst\":1,\"freq\":868.1,\"modu\":\"LORA\",\"datr\":\"SF7BW125\","
                    + "\"codr\":\"4/5\",\"rssi\":-60,\"lsnr\":" + lsnr + ",\"data\":\"QAE=\"}]}")
                    .getBytes(StandardCharsets.US_ASCII);
            for (PushData push : List.of(decoder.decode(GATEWAY, json, 0, json.length, NOW),
                    decoder.parse(GATEWAY, json, 0, json.length, NOW))) {
                assertEquals(Double.valueOf(lsnr), push.frames().get(0).rxInfo().get(0).snr(), lsnr);
            }
        }
    }

    private PushData decode(String name) throws Exception {
        byte[] json = fixture(name);
        return decoder.decode(GATEWAY, json, 0, json.length, NOW);
    }

    static byte[] fixture(String name) throws IOException {
        try (InputStream in = PushDataDecoderTest.class.getResourceAsStream("/fixtures/" + name)) {
            if (in == null) {
                throw new IOException("no fixture " + name);
            }
            return in.readAllBytes();
        }
    }
}
