package net.lorawanns.core.integration;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/** Webhook outcomes, with bounded tags only (never an application ID). */
final class WebhookMetrics {
    /** Why an event was not delivered. The lower-case name is the metric tag. */
    enum DropReason {
        /** The application's queue was full: its receiver is slower than its events. */
        QUEUE_FULL,
        /** All applications together had as many events waiting as the server keeps. */
        OVERLOADED,
        /** Every attempt failed. */
        RETRIES_EXHAUSTED,
        /** The host resolved to an address webhooks may not reach. */
        ADDRESS_REFUSED
    }

    private final Counter delivered;
    private final Counter retried;
    private final Counter answerCut;
    private final Map<DropReason, Counter> dropped = new EnumMap<>(DropReason.class);

    WebhookMetrics(MeterRegistry registry) {
        String name = "lorawan.events.webhook";
        String help = "Webhook deliveries by outcome";
        delivered = Counter.builder(name).description(help).tag("outcome", "delivered").register(registry);
        retried = Counter.builder(name).description(help).tag("outcome", "retried").register(registry);
        answerCut = Counter.builder("lorawan.events.webhook.answers.cut")
                .description("Receivers' answers larger than the server reads, cut off unread").register(registry);
        for (DropReason reason : DropReason.values()) {
            dropped.put(reason, Counter.builder("lorawan.events.webhook.dropped")
                    .description("Events not delivered to a webhook, by reason")
                    .tag("reason", reason.name().toLowerCase(Locale.ROOT)).register(registry));
        }
    }

    void delivered() {
        delivered.increment();
    }

    void retried() {
        retried.increment();
    }

    void answerCut() {
        answerCut.increment();
    }

    void dropped(DropReason reason) {
        dropped.get(reason).increment();
    }
}
