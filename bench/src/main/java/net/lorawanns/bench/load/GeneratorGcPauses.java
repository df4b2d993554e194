package net.lorawanns.bench.load;

import com.sun.management.GarbageCollectionNotificationInfo;
import com.sun.management.GcInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * The generator's own collections, as its JVM reports them ({@link GarbageCollectionNotificationInfo}). The generator
 * holds every datagram of the run in its heap; while one of its collections stops it, it neither sends nor reads
 * PUSH_ACKs, and afterwards sends what fell due at once: the server then sees a burst, and the round trips of the
 * datagrams waiting include the pause. The report names these pauses so that they are not taken for the server's.
 */
final class GeneratorGcPauses implements AutoCloseable {
    private final long jvmStartMillis = ManagementFactory.getRuntimeMXBean().getStartTime();
    /** Guarded by itself: notifications come on a thread of the JVM's. */
    private final List<ServerGcLog.Pause> pauses = new ArrayList<>();
    private final List<NotificationEmitter> emitters = new ArrayList<>();
    private final NotificationListener listener = (notification, handback) -> {
        if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
            record(GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData()));
        }
    };

    /** Starts recording. */
    GeneratorGcPauses() {
        for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (collector instanceof NotificationEmitter emitter) {
                emitter.addNotificationListener(listener, null, null);
                emitters.add(emitter);
            }
        }
    }

    private void record(GarbageCollectionNotificationInfo info) {
        GcInfo gc = info.getGcInfo();
        // G1's and ParallelGC's collectors stop the application for the whole of each collection they report. JDK 17's
        // G1 does not report the remark and cleanup pauses of its concurrent cycles: those are missing here.
        String kind = info.getGcAction().contains("major") ? "Full" : "Young";
        ServerGcLog.Pause pause = new ServerGcLog.Pause(Instant.ofEpochMilli(jvmStartMillis + gc.getEndTime()),
                gc.getId(), kind, gc.getDuration(), 0);
        synchronized (pauses) {
            pauses.add(pause);
        }
    }

    /** The pauses that ended in [{@code from}, {@code to}), as far as the JVM has reported them. */
    ServerGcLog.Phase between(Instant from, Instant to) {
        synchronized (pauses) {
            return ServerGcLog.Phase.endedIn(pauses, from, to);
        }
    }

    @Override
    public void close() {
        for (NotificationEmitter emitter : emitters) {
            try {
                emitter.removeNotificationListener(listener);
            } catch (javax.management.ListenerNotFoundException gone) {
                // not registered any more: nothing to undo
            }
        }
    }
}
