package net.lorawanns.deploy;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import java.util.ArrayList;
import java.util.List;

/**
 * Event loops of their own for the gateway bridge and each uplink pipeline, so that reading and answering datagrams
 * and processing frames run on separate threads. Vert.x gives every context asked for from one non-Vert.x thread
 * ({@code getOrCreateContext} at start-up) that thread's one event loop, which the API, the subscriptions and the
 * other start-up work then share too: the bridge and the pipelines take loops other than that one, in turn ({@link #poolSize}
 * makes enough).
 */
final class EventLoops {
    private final VertxInternal vertx;
    private final List<EventLoop> own = new ArrayList<>();
    private final EventLoop startUp;

    /** Event loops for Vert.x: its default (twice the processors), or enough for the start-up, bridge and pipelines. */
    static int poolSize(int pipelines) {
        return Math.max(2 * Runtime.getRuntime().availableProcessors(), pipelines + 2);
    }

    EventLoops(Vertx vertx) {
        this.vertx = (VertxInternal) vertx;
        this.startUp = this.vertx.getOrCreateContext().nettyEventLoop();
        for (EventExecutor executor : this.vertx.nettyEventLoopGroup()) {
            if (executor != startUp) {
                own.add((EventLoop) executor);
            }
        }
    }

    /** The bridge's context. */
    Context bridge() {
        return on(0);
    }

    /** The context of the {@code index}th uplink pipeline. */
    Context pipeline(int index) {
        return on(1 + index);
    }

    private Context on(int index) {
        EventLoop loop = own.isEmpty() ? startUp : own.get(index % own.size());
        return vertx.contextBuilder().withEventLoop(loop).build();
    }
}
