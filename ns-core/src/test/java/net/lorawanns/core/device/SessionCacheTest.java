package net.lorawanns.core.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import net.lorawanns.core.backend.KeyEnvelope;
import net.lorawanns.core.join.AppSKeyReference;
import net.lorawanns.core.types.AesKey;
import net.lorawanns.core.types.DevAddr;
import net.lorawanns.core.types.Eui64;
import org.junit.jupiter.api.Test;

class SessionCacheTest {
    private static final DevAddr ADDR = DevAddr.parse("26000001");
    private static final Eui64 ONE = Eui64.parse("0102030405060701");
    private static final Eui64 TWO = Eui64.parse("0102030405060702");

    @Test
    void anAcceptedCounterIsRememberedForTheActiveSessionOnly() {
        SessionCache cache = new SessionCache(10, Duration.ofHours(1));
        SessionCandidate first = new SessionCandidate(ONE, SessionStoreTest.session("a", "26000001"), false, 7);
        SessionCandidate other = new SessionCandidate(TWO, SessionStoreTest.session("b", "26000001"), false, 3);
        cache.put(ADDR, List.of(first, other));
        cache.accepted(ADDR, first, 8);
        List<SessionCandidate> now = cache.get(ADDR).orElseThrow();
        assertEquals(8, now.get(0).lastFCntUp());
        assertEquals(3, now.get(1).lastFCntUp(), "the other device sharing the DevAddr is untouched");
    }

    /** A session ID packed as a UUID is matched as its text: another UUID, or the same in capitals, is not it. */
    @Test
    void anAcceptedCounterGoesToTheSessionOfThatIdOnly() {
        SessionCache cache = new SessionCache(10, Duration.ofHours(1));
        String id = "3f2504e0-4f89-11d3-9a0c-0305e82c3301";
        SessionCandidate active = new SessionCandidate(ONE, SessionStoreTest.session(id, "26000001"), false, 7);
        cache.put(ADDR, List.of(active));
        for (String other : List.of("3f2504e0-4f89-11d3-9a0c-0305e82c3302", "3F2504E0-4F89-11D3-9A0C-0305E82C3301",
                "3f2504e0-4f89-11d3-9a0c-0305e82c330", "3f2504e0+4f89-11d3-9a0c-0305e82c3301", "a")) {
            cache.accepted(ADDR, new SessionCandidate(ONE, SessionStoreTest.session(other, "26000001"), false, 7), 8);
            assertEquals(7, cache.get(ADDR).orElseThrow().get(0).lastFCntUp(), other);
        }
        cache.accepted(ADDR, active, 8);
        assertEquals(8, cache.get(ADDR).orElseThrow().get(0).lastFCntUp());
    }

    /** As {@code SessionCacheMemory} makes it, to fill it without evictions; twice the bound overflowed a long. */
    @Test
    void aCacheWithoutABoundKeepsWhatItIsGiven() {
        SessionCache cache = new SessionCache(Long.MAX_VALUE, Duration.ofHours(1));
        SessionCandidate active = new SessionCandidate(ONE, SessionStoreTest.session("a", "26000001"), false, 7);
        cache.put(ADDR, List.of(active));
        assertEquals(7, cache.get(ADDR).orElseThrow().get(0).lastFCntUp());
    }

    @Test
    void aPromotedPendingSessionIsForgottenSoThatTheNextLookupSeesItActive() {
        SessionCache cache = new SessionCache(10, Duration.ofHours(1));
        SessionCandidate pending = new SessionCandidate(ONE, SessionStoreTest.session("p", "26000001"), true, -1);
        cache.put(ADDR, List.of(pending));
        cache.accepted(ADDR, pending, 0);
        assertTrue(cache.get(ADDR).isEmpty());
    }

    @Test
    void everyPartOfASessionComesBackAsCached() {
        SessionCache cache = new SessionCache(10, Duration.ofHours(1));
        DeviceSession full = new DeviceSession("not-a-uuid", ADDR, true, key(1), key(2), key(3), Optional.empty(),
                Optional.of(new KeyEnvelope("as-kek", new byte[] {9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 1, 2, 3, 4, 5, 6, 7,
                        8, 9, 10, 11, 12, 13, 14})), 3, 8, 5,
                Optional.of(new AppSKeyReference("0a0b0c0d", "70B3D57ED0001234")));
        String uuid = UUID.randomUUID().toString();
        DeviceSession lorawan10 = new DeviceSession(uuid, ADDR, false, key(4), key(4), key(4),
                Optional.of(key(5)), Optional.empty(), 0, 0, 1);
        cache.put(ADDR, List.of(new SessionCandidate(ONE, full, false, 0x1_0000_0005L, 17),
                new SessionCandidate(TWO, lorawan10, true, -1)));
        List<SessionCandidate> read = cache.get(ADDR).orElseThrow();
        SessionCandidate first = read.get(0);
        assertEquals(List.of(ONE, false, 0x1_0000_0005L, 17L), List.of(first.devEui(), first.pending(),
                first.lastFCntUp(), first.confFCnt()));
        DeviceSession back = first.session();
        assertEquals(List.of("not-a-uuid", ADDR, true, key(1), key(2), key(3), Optional.empty(), 3, 8, 5,
                        full.appSKeyReference()), List.of(back.id(), back.devAddr(), back.lorawan11(),
                back.fNwkSIntKey(), back.sNwkSIntKey(), back.nwkSEncKey(), back.appSKey(), back.rx1DrOffset(),
                back.rx2DataRate(), back.rxDelaySeconds(), back.appSKeyReference()));
        assertEquals("as-kek", back.appSKeyEnvelope().orElseThrow().kekLabel());
        assertArrayEquals(full.appSKeyEnvelope().orElseThrow().aesKey(), back.appSKeyEnvelope().orElseThrow()
                .aesKey());
        SessionCandidate second = read.get(1);
        assertEquals(List.of(TWO, true, -1L, uuid, key(4), key(4), Optional.of(key(5)), Optional.empty()),
                List.of(second.devEui(), second.pending(), second.lastFCntUp(), second.session().id(),
                        second.session().sNwkSIntKey(), second.session().nwkSEncKey(), second.session().appSKey(),
                        second.session().appSKeyEnvelope()));

        SessionCandidate activeFirst = new SessionCandidate(ONE, full, false, 5);
        SessionCandidate activeSecond = new SessionCandidate(TWO, lorawan10, false, 7);
        cache.put(ADDR, List.of(activeFirst, activeSecond));
        cache.accepted(ADDR, activeSecond, 9);
        assertEquals(List.of(5L, 9L), cache.get(ADDR).orElseThrow().stream().map(SessionCandidate::lastFCntUp)
                .toList(), "found past a session with an envelope and a reference");
    }

    @Test
    void itsSizeComesFromTheMemoryGivenBoundedByTheEarlierCountWhenSet() {
        long million = 1_000_000L * SessionCache.ESTIMATED_ENTRY_BYTES;
        assertEquals(1_000_000L, SessionCache.entriesFor(million, null));
        assertEquals(200_000L, SessionCache.entriesFor(million, 200_000));
        assertEquals(1L, SessionCache.entriesFor(10, null), "at least one entry");
    }

    @Test
    void theCacheStaysWithinItsSizeAndForgetsOldEntries() {
        SessionCache small = new SessionCache(3, Duration.ofHours(1));
        for (int i = 0; i < 10; i++) {
            small.put(new DevAddr(i), List.of());
        }
        assertEquals(3, small.size());
        SessionCache expired = new SessionCache(3, Duration.ZERO);
        expired.put(ADDR, List.of());
        assertTrue(expired.get(ADDR).isEmpty());
        assertEquals(0, expired.size());
    }

    /**
     * A full cache makes room by its oldest entry: over many more DevAddrs than it holds (its map's iteration order
     * says nothing of their age), the last ones put are the ones kept, and one removed meanwhile is passed over.
     */
    @Test
    void aFullCacheMakesRoomByItsOldestEntry() {
        int held = 2_000;
        SessionCache cache = new SessionCache(held, Duration.ofHours(1));
        for (int i = 0; i < 50_000; i++) {
            cache.put(new DevAddr(i * 7919), List.of());
            if (i == 48_500) {
                cache.invalidate(new DevAddr(48_001 * 7919));
            }
        }
        assertEquals(held, cache.size());
        // The removed one left a place: one more of the older ones is kept.
        for (int i = 50_000 - held - 1; i < 50_000; i++) {
            assertEquals(i != 48_001, cache.get(new DevAddr(i * 7919)).isPresent(), "DevAddr number " + i);
        }
        assertTrue(cache.get(new DevAddr((50_000 - held - 2) * 7919)).isEmpty(), "an older one made room");
    }

    private static AesKey key(int fill) {
        byte[] bytes = new byte[16];
        Arrays.fill(bytes, (byte) fill);
        return AesKey.of(bytes);
    }
}
