package net.lorawanns.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RedisAloneTest {
    /**
     * redis-benchmark's {@code __rand_int__} is 12 decimal digits; after {@code 0A00} they name the device whose index
     * is those digits read as hexadecimal. Of 10,000 devices (0x0000-0x270F), 0x2709 = 9,993 is the last such index:
     * the numbers 0-2709 can be drawn; of a million (up to 0xF423F), 0x99999 = 629,145 is, and 0x100000 is past.
     */
    @Test
    void drawsOnlyTheDevicesThatExist() {
        assertEquals(2_710, RedisAlone.benchmarkedDevices(10_000));
        assertEquals(100_000, RedisAlone.benchmarkedDevices(1_000_000));
        assertEquals(10, RedisAlone.benchmarkedDevices(16));
        assertEquals(11, RedisAlone.benchmarkedDevices(17));
        assertEquals(1, RedisAlone.benchmarkedDevices(1));
    }

    /** Each frame costs one call of each request: 1/100 + 1/100 + 1/50 of a second for 1 frame is 25 frames/s. */
    @Test
    void framesPerSecondAddsTheRequestsCosts() {
        RedisAlone.Mix mix = new RedisAlone.Mix(List.of(rate("a", 100), rate("b", 100),
                new RedisAlone.StepRate("c", Map.of(16, 40.0, 64, 50.0), Map.of())));
        assertEquals(25, mix.framesPerSecond(), 1e-9);
    }

    private static RedisAlone.StepRate rate(String step, double callsPerSecond) {
        return new RedisAlone.StepRate(step, Map.of(16, callsPerSecond), Map.of());
    }
}
