package net.lorawanns.bench.memory;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import net.lorawanns.core.device.DeviceSession;
import net.lorawanns.core.device.SessionCache;
import net.lorawanns.core.device.SessionCandidate;
import net.lorawanns.core.types.AesKey;
import net.lorawanns.core.types.DevAddr;
import net.lorawanns.core.types.Eui64;

/**
 * Heap bytes per session-cache entry: fills a {@link SessionCache} with N DevAddrs, each with one active LoRaWAN 1.0
 * session as a Redis lookup gives it (UUID session ID, one NwkSKey in all three roles, the AppSKey held), and prints
 * the growth of the used heap after a full collection, per entry. Compare with {@code jcmd <pid>
 * GC.class_histogram} while it waits at the end when {@code -Dmemory.wait=true}.
 *
 * <pre>java -cp bench/target/benchmarks.jar net.lorawanns.bench.memory.SessionCacheMemory [entries]</pre>
 */
public final class SessionCacheMemory {
    private SessionCacheMemory() {
    }

    public static void main(String[] args) throws Exception {
        int entries = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        SessionCache cache = new SessionCache(Long.MAX_VALUE, Duration.ofHours(1));
        long before = usedHeap();
        for (int i = 0; i < entries; i++) {
            AesKey nwkSKey = AesKey.of(key(i, 1));
            DeviceSession session = new DeviceSession(UUID.randomUUID().toString(), new DevAddr(i + 1), false, nwkSKey,
                    nwkSKey, nwkSKey, Optional.of(AesKey.of(key(i, 2))), Optional.empty(), 0, 0, 1);
            cache.put(session.devAddr(), List.of(new SessionCandidate(new Eui64(0x0A00000000000000L + i), session,
                    false, i)));
        }
        long after = usedHeap();
        System.out.printf(Locale.ROOT, "%,d entries: heap grew %,d bytes, %,.0f bytes per entry (estimate used for "
                + "sizing: %,d)%n", cache.size(), after - before, (double) (after - before) / entries,
                SessionCache.ESTIMATED_ENTRY_BYTES);
        if (Boolean.getBoolean("memory.wait")) {
            System.out.println("pid " + ProcessHandle.current().pid() + "; press Enter to end");
            System.in.read();
        }
        System.out.println(cache.get(new DevAddr(1)).isPresent() ? "" : "entry 1 missing");
    }

    private static byte[] key(int i, int kind) {
        byte[] key = new byte[AesKey.SIZE];
        key[0] = (byte) kind;
        key[1] = (byte) i;
        key[2] = (byte) (i >>> 8);
        key[3] = (byte) (i >>> 16);
        return key;
    }

    private static long usedHeap() throws InterruptedException {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return memory.getHeapMemoryUsage().getUsed();
    }
}
