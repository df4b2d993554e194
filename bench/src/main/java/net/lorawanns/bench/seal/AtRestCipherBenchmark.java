package net.lorawanns.bench.seal;

import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.TimeUnit;
import net.lorawanns.core.seal.AtRestCipher;
import net.lorawanns.core.seal.MasterKey;
import net.lorawanns.core.types.AesKey;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Opening a device's sealed session keys, as every session cache miss does (a device's first frame after the cache
 * let it go, most frames with a million devices): 1.0.x keys (NwkSKey and AppSKey, 32 bytes) under the associated
 * data of a compact session record's size.
 *
 * <pre>java -jar bench/target/benchmarks.jar AtRestCipherBenchmark -prof gc</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class AtRestCipherBenchmark {
    private AtRestCipher cipher;
    private byte[] aad;
    private byte[] sealed;

    @Setup
    public void seal() {
        SecureRandom random = new SecureRandom();
        byte[] master = new byte[AesKey.SIZE];
        random.nextBytes(master);
        cipher = new AtRestCipher(new MasterKey("k1", AesKey.of(master)), List.of());
        aad = new byte[48];
        random.nextBytes(aad);
        byte[] keys = new byte[2 * AesKey.SIZE];
        random.nextBytes(keys);
        sealed = cipher.sealCompact(keys, aad);
    }

    @Benchmark
    public byte[] openSessionKeys() {
        return cipher.openCompact("k1", sealed, 0, aad, "the session keys");
    }
}
