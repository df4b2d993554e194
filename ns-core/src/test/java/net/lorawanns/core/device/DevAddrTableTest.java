package net.lorawanns.core.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The session cache's table against java.util.HashMap doing the same operations. */
class DevAddrTableTest {
    @Test
    void agreesWithAHashMapOverMixedOperations() {
        DevAddrTable table = new DevAddrTable();
        Map<Integer, byte[]> model = new HashMap<>();
        Random random = new Random(16);
        // Few distinct DevAddrs of one NwkID, so that the same ones come back, collide and are removed often.
        int[] devAddrs = new int[3_000];
        for (int i = 0; i < devAddrs.length; i++) {
            devAddrs[i] = 0x26000000 | random.nextInt(1 << 20);
        }
        for (int step = 0; step < 400_000; step++) {
            int devAddr = devAddrs[random.nextInt(devAddrs.length)];
            switch (random.nextInt(6)) {
                case 0, 1 -> {
                    byte[] entry = new byte[] {(byte) step};
                    assertSame(model.put(devAddr, entry), table.put(devAddr, entry));
                }
                case 2 -> assertEquals(model.remove(devAddr) != null, table.remove(devAddr));
                case 3 -> {
                    byte[] expected = random.nextBoolean() ? model.get(devAddr) : new byte[1];
                    boolean removes = expected != null && model.get(devAddr) == expected;
                    if (removes) {
                        model.remove(devAddr);
                    }
                    assertEquals(removes, table.remove(devAddr, expected == null ? new byte[1] : expected));
                }
                default -> assertSame(model.get(devAddr), table.get(devAddr));
            }
            assertEquals(model.size(), table.size());
        }
        for (int devAddr : devAddrs) {
            assertSame(model.get(devAddr), table.get(devAddr), Integer.toHexString(devAddr));
        }
    }

    /** Grown from 16 slots a segment to thousands, then emptied: every DevAddr found on the way, none after. */
    @Test
    void growsAndEmptiesWithoutLosingAnEntry() {
        DevAddrTable table = new DevAddrTable();
        int count = 200_000;
        byte[][] entries = new byte[count][];
        for (int i = 0; i < count; i++) {
            entries[i] = new byte[0];
            assertNull(table.put(i * 7, entries[i]));
        }
        assertEquals(count, table.size());
        for (int i = 0; i < count; i++) {
            assertSame(entries[i], table.get(i * 7));
            assertNull(table.get(i * 7 + 1));
        }
        for (int i = 0; i < count; i += 2) {
            assertTrue(table.remove(i * 7));
        }
        for (int i = 0; i < count; i++) {
            assertSame(i % 2 == 0 ? null : entries[i], table.get(i * 7));
        }
        int removed = 0;
        while (table.removeAny()) {
            removed++;
        }
        assertEquals(count / 2, removed);
        assertEquals(0, table.size());
        assertFalse(table.remove(7));
    }

    /** DevAddr 0 (a value, not an empty slot's mark) and the extremes of the int range are keys like any other. */
    @Test
    void everyDevAddrValueIsAKey() {
        DevAddrTable table = new DevAddrTable();
        byte[] zero = new byte[1];
        byte[] min = new byte[2];
        byte[] max = new byte[3];
        table.put(0, zero);
        table.put(Integer.MIN_VALUE, min);
        table.put(-1, max);
        assertSame(zero, table.get(0));
        assertSame(min, table.get(Integer.MIN_VALUE));
        assertSame(max, table.get(-1));
        assertTrue(table.remove(0));
        assertNull(table.get(0));
        assertSame(max, table.get(-1));
    }

    /** Event loops sharing the table: each thread's own DevAddrs, put, read back and removed, all while the others do. */
    @Test
    void threadsSharingTheTableEachFindTheirOwnEntries() throws Exception {
        DevAddrTable table = new DevAddrTable();
        int threads = 4;
        int perThread = 50_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                results.add(pool.submit(() -> {
                    start.await();
                    int wrong = 0;
                    for (int round = 0; round < 3; round++) {
                        for (int i = 0; i < perThread; i++) {
                            int devAddr = i * threads + thread;
                            byte[] entry = new byte[] {(byte) thread, (byte) round};
                            table.put(devAddr, entry);
                            wrong += table.get(devAddr) == entry ? 0 : 1;
                        }
                        for (int i = 0; i < perThread; i += 3) {
                            wrong += table.remove(i * threads + thread) ? 0 : 1;
                        }
                    }
                    return wrong;
                }));
            }
            start.countDown();
            for (Future<Integer> result : results) {
                assertEquals(0, result.get(60, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
        int kept = perThread - (perThread + 2) / 3;
        assertEquals(threads * kept, table.size());
    }
}
