package net.lorawanns.core.uplink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
class WindowEndsTest {
    /**
     * Windows added out of the order they end (the second ends first) close in the order they end, none before its
     * end, each on the context; two that end together close in the order they were added.
     */
    @Test
    void eachWindowClosesAfterItsEndInTheOrderTheyEnd(Vertx vertx, VertxTestContext test) {
        ContextInternal context = (ContextInternal) vertx.getOrCreateContext();
        long[] endsMs = {60, 20, 40, 40, 100, 80};
        List<Integer> closed = new ArrayList<>();
        Promise<Void> all = Promise.promise();
        context.runOnContext(v -> {
            WindowEnds ends = new WindowEnds(context);
            long start = System.nanoTime();
            for (int i = 0; i < endsMs.length; i++) {
                int window = i;
                long end = start + TimeUnit.MILLISECONDS.toNanos(endsMs[i]);
                ends.add(end, () -> {
                    test.verify(() -> {
                        assertTrue(System.nanoTime() - end >= 0, "window " + window + " closed before its end");
                        assertSame(context, Vertx.currentContext(), "on the context");
                    });
                    closed.add(window);
                    if (closed.size() == endsMs.length) {
                        all.complete();
                    }
                });
            }
        });
        all.future().onComplete(test.succeeding(done -> test.verify(() -> {
            assertEquals(List.of(1, 2, 3, 0, 5, 4), closed);
            test.completeNow();
        })));
    }

    /** A window that ended before it was added closes at once; one whose closing throws leaves the next to close. */
    @Test
    void aWindowAlreadyEndedClosesAtOnceAndAThrowingOneLeavesTheNext(Vertx vertx, VertxTestContext test) {
        ContextInternal context = (ContextInternal) vertx.getOrCreateContext();
        List<Throwable> reported = new ArrayList<>();
        context.exceptionHandler(reported::add);
        context.runOnContext(v -> {
            WindowEnds ends = new WindowEnds(context);
            long now = System.nanoTime();
            ends.add(now - TimeUnit.SECONDS.toNanos(1), () -> {
                throw new IllegalStateException("closing failed");
            });
            ends.add(now + TimeUnit.MILLISECONDS.toNanos(10), () -> test.verify(() -> {
                assertEquals(1, reported.size(), "the first window's failure was reported");
                assertEquals("closing failed", reported.get(0).getMessage());
                test.completeNow();
            }));
        });
    }
}
