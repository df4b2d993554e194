package net.lorawanns.bridge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import net.lorawanns.core.gateway.CrcStatus;
import net.lorawanns.core.gateway.RxInfo;
import net.lorawanns.core.gateway.UplinkFrame;
import net.lorawanns.core.region.DataRate;
import net.lorawanns.core.types.Eui64;
import org.junit.jupiter.api.Test;

/**
 * The direct reader of the usual PUSH_DATA shape: PROTOCOL.TXT's examples, and agreement with the decoder's Jackson
 * parser on every datagram it takes (what it does not take, the parser reads).
 */
class DirectPushDataReaderTest {
    private static final Eui64 GATEWAY = Eui64.parse("0016C001FF10A235");
    private static final Instant NOW = Instant.parse("2026-11-30T00:00:00Z");
    /** PROTOCOL.TXT (packet_forwarder v1.3+), section 4: the rxpk example, as the document lays it out. */
    private static final String SECTION_4_RXPK = """
            {"rxpk":[
            \t{
            \t\t"time":"2013-03-31T16:21:17.528002Z",
            \t\t"tmst":3512348611,
            \t\t"chan":2,
            \t\t"rfch":0,
            \t\t"freq":866.349812,
            \t\t"stat":1,
            \t\t"modu":"LORA",
            \t\t"datr":"SF7BW125",
            \t\t"codr":"4/6",
            \t\t"rssi":-35,
            \t\t"lsnr":5.1,
            \t\t"size":32,
            \t\t"data":"-DS4CGaDCdG+48eJNM3Vai-zDpsR71Pn9CPA9uCON84"
            \t},{
            \t\t"time":"2013-03-31T16:21:17.530974Z",
            \t\t"tmst":3512348514,
            \t\t"chan":9,
            \t\t"rfch":1,
            \t\t"freq":869.1,
            \t\t"stat":1,
            \t\t"modu":"FSK",
            \t\t"datr":50000,
            \t\t"rssi":-75,
            \t\t"size":16,
            \t\t"data":"VEVTVF9QQUNLRVRfMTIzNA=="
            \t},{
            \t\t"time":"2013-03-31T16:21:17.532038Z",
            \t\t"tmst":3316387610,
            \t\t"chan":0,
            \t\t"rfch":0,
            \t\t"freq":863.00981,
            \t\t"stat":1,
            \t\t"modu":"LORA",
            \t\t"datr":"SF10BW125",
            \t\t"codr":"4/7",
            \t\t"rssi":-38,
            \t\t"lsnr":5.5,
            \t\t"size":32,
            \t\t"data":"ysgRl452xNLep9S1NTIg2lomKDxUgn3DJ7DE+b00Ass"
            \t}
            ]}""";
    /** PROTOCOL.TXT section 4: the stat example. */
    private static final String SECTION_4_STAT = """
            {"stat":{
            \t"time":"2014-01-12 08:59:28 GMT",
            \t"lati":46.24000,
            \t"long":3.25230,
            \t"alti":145,
            \t"rxnb":2,
            \t"rxok":2,
            \t"rxfw":2,
            \t"ackr":100.0,
            \t"dwnb":2,
            \t"txnb":2
            }}""";
    /** The load generator's rxpk, and one of sx1302_hal with its v2 fields. */
    private static final String[] SAMPLES = {SECTION_4_RXPK,
        "{\"rxpk\":[{\"tmst\":1000000,\"chan\":0,\"rfch\":0,\"freq\":868.100000,\"stat\":1,\"modu\":\"LORA\","
            + "\"datr\":\"SF7BW125\",\"codr\":\"4/5\",\"lsnr\":9.0,\"rssi\":-60,\"size\":17,"
            + "\"data\":\"QPF9vkkAAgABlUN4disR/w0=\"}]}",
        "{\"rxpk\":[{\"jver\":1,\"tmst\":1709012345,\"time\":\"2024-05-14T10:11:12.123456Z\",\"tmms\":1399716690123,"
            + "\"ftime\":123456789,\"chan\":4,\"rfch\":1,\"freq\":867.300000,\"mid\":8,\"stat\":1,\"modu\":\"LORA\","
            + "\"datr\":\"SF9BW125\",\"codr\":\"4/5\",\"rssis\":-98,\"lsnr\":-2.8,\"foff\":-1412,\"rssi\":-96,"
            + "\"size\":23,\"data\":\"AAgHBgUEAwIBCAcGBQQDAgECAebhDFU=\",\"extra\":[true,false,null,{\"a\":[1.5e3]}]}]}"};

    @Test
    void readsTheSection4ExampleItself() {
        DirectPushDataReader reader = new DirectPushDataReader(new RxpkFields(false, false));
        List<UplinkFrame> frames = new ArrayList<>();
        List<PushData.RejectedRxpk> rejected = new ArrayList<>();
        byte[] body = SECTION_4_RXPK.getBytes(StandardCharsets.US_ASCII);

        assertTrue(reader.read(body, 0, body.length, GATEWAY, NOW, frames, rejected));

        // The first rxpk's data has '-', which is not in base64's alphabet (RFC 4648 section 4).
        assertEquals(List.of(DropReason.INVALID_BASE64), rejected.stream().map(PushData.RejectedRxpk::reason).toList());
        assertEquals(2, frames.size());
        UplinkFrame fsk = frames.get(0);
        assertArrayEquals("TEST_PACKET_1234".getBytes(StandardCharsets.US_ASCII), fsk.phyPayload());
        assertEquals(869_100_000L, fsk.frequencyHz());
        assertEquals(new DataRate.Fsk(50_000), fsk.dataRate());
        assertNull(fsk.codingRate());
        assertEquals(CrcStatus.OK, fsk.crcStatus());
        assertEquals(List.of(new RxInfo(GATEWAY, 3512348514L, Instant.parse("2013-03-31T16:21:17.530974Z"), null,
                null, 9, 1, 0, -75, null, null, null, NOW)), fsk.rxInfo());
        UplinkFrame lora = frames.get(1);
        assertArrayEquals(Base64.getDecoder().decode("ysgRl452xNLep9S1NTIg2lomKDxUgn3DJ7DE+b00Ass"),
                lora.phyPayload());
        assertEquals(32, lora.phyPayload().length);
        assertEquals(863_009_810L, lora.frequencyHz());
        assertEquals(new DataRate.LoRa(10, 125_000), lora.dataRate());
        assertEquals("4/7", lora.codingRate());
        assertEquals(List.of(new RxInfo(GATEWAY, 3316387610L, Instant.parse("2013-03-31T16:21:17.532038Z"), null,
                null, 0, 0, 0, -38, null, 5.5, null, NOW)), lora.rxInfo());
    }

    @Test
    void leavesStatusReportsAndPerAntennaSignalsToTheParser() throws Exception {
        DirectPushDataReader reader = new DirectPushDataReader(new RxpkFields(false, false));
        byte[] stat = SECTION_4_STAT.getBytes(StandardCharsets.US_ASCII);
        assertFalse(reader.read(stat, 0, stat.length, GATEWAY, NOW, new ArrayList<>(), new ArrayList<>()));
        byte[] rsig = PushDataDecoderTest.fixture("rsig_v2.json");
        assertFalse(reader.read(rsig, 0, rsig.length, GATEWAY, NOW, new ArrayList<>(), new ArrayList<>()));

        PushData push = new PushDataDecoder(false, false).decode(GATEWAY, stat, 0, stat.length, NOW);
        assertEquals(Instant.parse("2014-01-12T08:59:28Z"), push.stats().time());
        assertEquals(46.24, push.stats().latitude());
        assertEquals(145, push.stats().altitude());
        assertEquals(100.0, push.stats().ackRatio());
        assertEquals(2, new PushDataDecoder(false, false).decode(GATEWAY, rsig, 0, rsig.length, NOW).frames().get(0)
                .rxInfo().size());
    }

    /**
     * A number field whose value is an array or object is refused as the parser refuses it (PROTOCOL.TXT section 4
     * gives these fields as numbers), however deep a number sits in it: the direct reader once took the nested
     * number as the field's value.
     */
    @Test
    void aNumberFieldHoldingAnArrayOrObjectIsABadField() throws Exception {
        String[][] cases = {{"\"tmst\":1000000", "\"tmst\":[1]"},
            {"\"freq\":868.100000", "\"freq\":{\"mhz\":[\"x\",869.5]}"},
            {"\"tmst\":1000000", "\"tmst\":{\"a\":7,\"b\":\"z\"}"}, {"\"stat\":1", "\"stat\":[-1]"},
            {"\"rssi\":-60", "\"rssi\":[[-60]]"}, {"\"lsnr\":9.0", "\"lsnr\":{\"v\":9.0}"}};
        for (String[] edit : cases) {
            assertTrue(SAMPLES[1].contains(edit[0]), edit[0]);
            byte[] body = SAMPLES[1].replace(edit[0], edit[1]).getBytes(StandardCharsets.US_ASCII);
            PushData push = new PushDataDecoder(false, false).decode(GATEWAY, body, 0, body.length, NOW);
            assertEquals(List.of(), push.frames(), edit[1]);
            assertEquals(List.of(DropReason.BAD_FIELD), push.rejected().stream().map(PushData.RejectedRxpk::reason)
                    .toList(), edit[1]);
        }
    }

    /**
     * 50,000 datagrams made from the samples by changing, adding, removing bytes or cutting the end, with bytes that
     * matter to JSON and base64: the decoder (direct reader first) and Jackson's parser alone give equal results,
     * and equal reasons and messages for what they refuse.
     */
    @Test
    void agreesWithTheParserOnMutations() {
        PushDataDecoder decoder = new PushDataDecoder(false, false);
        DirectPushDataReader reader = new DirectPushDataReader(new RxpkFields(false, false));
        byte[] alphabet = "{}[]:,\" \t\n\\-+.0123456789eEtrufalsn/=AQxLORAFSK4SFBW".getBytes(StandardCharsets.US_ASCII);
        Random random = new Random(16);
        int direct = 0;
        for (int i = 0; i < 50_000; i++) {
            byte[] datagram = mutate(SAMPLES[random.nextInt(SAMPLES.length)].getBytes(StandardCharsets.US_ASCII),
                    random, alphabet);
            String text = new String(datagram, StandardCharsets.ISO_8859_1);
            assertEquals(outcome(() -> decoder.parse(GATEWAY, datagram, 0, datagram.length, NOW)),
                    outcome(() -> decoder.decode(GATEWAY, datagram, 0, datagram.length, NOW)), text);
            if (reader.read(datagram, 0, datagram.length, GATEWAY, NOW, new ArrayList<>(), new ArrayList<>())) {
                direct++;
            }
        }
        assertTrue(direct > 5_000, "the direct reader took " + direct + " of the datagrams");
    }

    private static byte[] mutate(byte[] sample, Random random, byte[] alphabet) {
        byte[] out = sample;
        for (int edits = 1 + random.nextInt(3); edits > 0; edits--) {
            int at = random.nextInt(out.length);
            byte b = random.nextInt(20) == 0 ? (byte) random.nextInt(256) : alphabet[random.nextInt(alphabet.length)];
            byte[] next;
            switch (random.nextInt(4)) {
                case 0 -> {
                    next = out.clone();
                    next[at] = b;
                }
                case 1 -> {
                    next = new byte[out.length + 1];
                    System.arraycopy(out, 0, next, 0, at);
                    next[at] = b;
                    System.arraycopy(out, at, next, at + 1, out.length - at);
                }
                case 2 -> {
                    next = new byte[out.length - 1];
                    System.arraycopy(out, 0, next, 0, at);
                    System.arraycopy(out, at + 1, next, at, out.length - at - 1);
                }
                default -> next = java.util.Arrays.copyOf(out, at);
            }
            out = next;
            if (out.length == 0) {
                return out;
            }
        }
        return out;
    }

    private interface Decoding {
        PushData decode() throws MalformedDatagramException;
    }

    private static Object outcome(Decoding decoding) {
        try {
            return decoding.decode();
        } catch (MalformedDatagramException e) {
            return e.reason() + ": " + e.getMessage();
        }
    }
}
