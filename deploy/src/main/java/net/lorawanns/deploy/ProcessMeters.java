package net.lorawanns.deploy;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;

/**
 * The process's own meters beside the server's: the JVM's memory, collections and threads, the CPU, the uptime. Bound
 * to the operator's registry, and to each round of the start-up warm-up's, whose scrapes so render the same page.
 */
final class ProcessMeters {
    private ProcessMeters() {
    }

    /** Binds them; closing what it returns stops the collections' listener, which the registry's close does not. */
    static AutoCloseable bindTo(MeterRegistry registry) {
        new JvmMemoryMetrics().bindTo(registry);
        JvmGcMetrics collections = new JvmGcMetrics();
        collections.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        return collections;
    }
}
