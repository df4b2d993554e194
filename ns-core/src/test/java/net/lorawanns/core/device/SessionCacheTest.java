package net.lorawanns.core.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
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

    @Test
    void aPromotedPendingSessionIsForgottenSoThatTheNextLookupSeesItActive() {
        SessionCache cache = new SessionCache(10, Duration.ofHours(1));
        SessionCandidate pending = new SessionCandidate(ONE, SessionStoreTest.session("p", "26000001"), true, -1);
        cache.put(ADDR, List.of(pending));
        cache.accepted(ADDR, pending, 0);
        assertTrue(cache.get(ADDR).isEmpty());
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
}
