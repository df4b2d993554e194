package net.lorawanns.bridge;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import net.lorawanns.config.UdpGatewaySettings;
import net.lorawanns.core.types.Eui64;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The bridge's per-datagram work on one thread, without the socket: header, admission (policy, rate limit)
 * and PUSH_DATA decoding into UplinkFrames. Scores are rxpk per second.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ReceivePathBenchmark {
    private static final String EUI = "0016C001FF10A235";
    private static final String RXPK = "{\"jver\":1,\"tmst\":1709012345,\"time\":\"2024-05-14T10:11:12.123456Z\","
            + "\"tmms\":1399716690123,\"chan\":4,\"rfch\":1,\"freq\":867.300000,\"mid\":8,\"stat\":1,\"modu\":\"LORA\","
            + "\"datr\":\"SF9BW125\",\"codr\":\"4/5\",\"rssis\":-98,\"lsnr\":-2.8,\"foff\":-1412,\"rssi\":-96,"
            + "\"size\":%d,\"data\":\"%s\"}";

    private byte[] oneRxpk;
    private byte[] eightRxpk;
    private PushDataDecoder decoder;
    private GatewayRegistry registry;
    private InetSocketAddress sender;
    private final Instant now = Instant.parse("2026-11-22T00:00:00Z");

    @Setup
    public void setUp() {
        byte[] payload = new byte[23];
        payload[0] = 0x40;
        String rxpk = String.format(RXPK, payload.length, Base64.getEncoder().encodeToString(payload));
        oneRxpk = datagram("{\"rxpk\":[" + rxpk + "]}");
        eightRxpk = datagram("{\"rxpk\":[" + String.join(",", java.util.Collections.nCopies(8, rxpk)) + "]}");
        decoder = new PushDataDecoder(false, false);
        UdpGatewaySettings udp = new UdpGatewaySettings(null, null, null, 0, null, null, null, null, null, null);
        registry = new GatewayRegistry(udp, Set.of(Eui64.parse(EUI)), System.nanoTime());
        sender = new InetSocketAddress("192.0.2.10", 1700);
    }

    private static byte[] datagram(String json) {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[12 + body.length];
        out[0] = 2;
        out[1] = 0x12;
        out[2] = 0x34;
        out[3] = 0x00;
        byte[] mac = java.util.HexFormat.of().parseHex(EUI);
        System.arraycopy(mac, 0, out, 4, 8);
        System.arraycopy(body, 0, out, 12, body.length);
        return out;
    }

    private PushData receive(byte[] datagram) throws MalformedDatagramException {
        Header header = Header.parse(datagram, datagram.length);
        registry.admit(header.gatewayEui(), sender, header.version(), System.nanoTime());
        return decoder.decode(header.gatewayEui(), datagram, Header.GATEWAY_HEADER_SIZE,
                datagram.length - Header.GATEWAY_HEADER_SIZE, now);
    }

    @Benchmark
    public PushData oneRxpkPerDatagram() throws MalformedDatagramException {
        return receive(oneRxpk);
    }

    @Benchmark
    @OperationsPerInvocation(8)
    public PushData eightRxpkPerDatagram() throws MalformedDatagramException {
        return receive(eightRxpk);
    }
}
