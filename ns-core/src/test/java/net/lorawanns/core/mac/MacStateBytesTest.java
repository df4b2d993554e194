package net.lorawanns.core.mac;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * {@link MacState#toJsonBytes}: the bytes Vert.x (Jackson) encodes {@link MacState#toJson} to, as servers already
 * stored them, for a fresh state and for one with every field set; and they read back as the same state.
 */
class MacStateBytesTest {
    private static final MacState.RxSettings RX = new MacState.RxSettings(1, 0, 8, 923_300_000L);

    private static MacState fresh() {
        TreeSet<Integer> channels = new TreeSet<>();
        IntStream.range(0, 72).forEach(channels::add);
        return MacState.initial(channels, new TreeMap<>(), RX);
    }

    @Test
    void aFreshStateAsJacksonWritesIt() {
        assertSameAsJackson(fresh());
    }

    @Test
    void everyFieldAsJacksonWritesIt() {
        MacState full = fresh().withAssigned(f -> {
            f.dataRate = 3;
            f.txPowerIndex = 2;
            f.nbTrans = 3;
            f.channels = new TreeSet<>(List.of(0, 1, 2, 3, 200));
            f.extraChannels = new TreeMap<>(java.util.Map.of(3, 867_100_000L, 4, 867_300_000L));
            f.downlinkChannels = new TreeMap<>(java.util.Map.of(0, 868_500_000L));
            f.rx = new MacState.RxSettings(5, 2, 0, 869_525_000L);
            f.maxDutyCycle = 7;
            f.adrAckLimitExp = 4;
            f.adrAckDelayExp = 3;
            f.rejoin = Optional.of(new MacState.RejoinParams(9, 10));
            f.txParams = Optional.of(new MacState.TxParams(true, false, 13));
            f.pending = List.of(new MacCommand.LinkAdrReq(3, 2, 0x00FF, 0, 3), new MacCommand.DevStatusReq());
            f.pendingChannels = new TreeSet<>(List.of(0, 1, 2));
            f.unanswered = new TreeMap<>(java.util.Map.of(3, 2, 6, 1));
            f.abandoned = new TreeSet<>(List.of(10, 15));
            f.refusedDataRates = new TreeSet<>(List.of(5));
            f.refusedTxPowers = new TreeSet<>(List.of(7, 9));
            f.status = Optional.of(new MacState.DeviceStatus(254, -20, Instant.parse("2026-11-29T12:00:00.123Z")));
            f.lastStatusRequest = Optional.of(Instant.parse("2026-11-29T11:00:00Z"));
            f.deviceMode = Optional.of(2);
            f.adrHistory = "1a:-7.5:2 1b:9.25:1";
            f.classB = true;
            f.pingSlotPeriodicity = OptionalInt.of(7);
            f.pingSlotChannel = Optional.of(new MacState.PingSlotChannel(869_525_000L, 3));
            f.beaconFrequency = OptionalLong.of(869_525_000L);
            assertEveryFieldSet(f);
        });
        assertSameAsJackson(full);
    }

    /**
     * The fixture above sets every field away from a fresh state's value, so that a field added to the state (and to
     * {@link MacState#toJson}) but not to {@link MacState#toJsonBytes}, which alone is stored, fails here.
     */
    private static void assertEveryFieldSet(MacState.Fields set) {
        Map<String, Object> initial = new HashMap<>();
        fresh().withAssigned(f -> {
            for (Field field : MacState.Fields.class.getDeclaredFields()) {
                if (!Modifier.isStatic(field.getModifiers())) {
                    initial.put(field.getName(), value(field, f));
                }
            }
        });
        assertFalse(initial.isEmpty());
        initial.forEach((name, value) -> {
            try {
                assertNotEquals(value, value(MacState.Fields.class.getDeclaredField(name), set),
                        "the fixture sets " + name);
            } catch (NoSuchFieldException e) {
                throw new AssertionError(e);
            }
        });
    }

    private static Object value(Field field, MacState.Fields fields) {
        try {
            field.setAccessible(true);
            return field.get(fields);
        } catch (IllegalAccessException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aHistoryThatNeedsEscapingAsJacksonWritesIt() {
        assertSameAsJackson(fresh().withAssigned(f -> f.adrHistory = "a\"b\\c\u00e9\n"));
    }

    private static void assertSameAsJackson(MacState state) {
        byte[] bytes = state.toJsonBytes();
        assertArrayEquals(state.toJson().toBuffer().getBytes(), bytes, () -> new String(bytes));
        assertEquals(state, MacState.fromJson(new JsonObject(Buffer.buffer(bytes))));
    }
}
