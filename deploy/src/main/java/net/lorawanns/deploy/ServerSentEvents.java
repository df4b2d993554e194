package net.lorawanns.deploy;

import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Reads a Server-Sent Events stream line by line (WHATWG HTML, "Server-sent events", section "Interpreting an event
 * stream"): {@code event:} names the type, {@code data:} lines make the data, a line starting with ':' is a comment
 * (the server's keep-alives), a blank line ends the event. Runs on the thread that reads the stream.
 */
final class ServerSentEvents implements Consumer<String> {
    /** The type of an event without an {@code event:} field. */
    private static final String DEFAULT_TYPE = "message";

    private final BiConsumer<String, String> events;
    private String type = DEFAULT_TYPE;
    private final StringBuilder data = new StringBuilder();
    private boolean hasData;

    /** @param events takes each event's type and data */
    ServerSentEvents(BiConsumer<String, String> events) {
        this.events = events;
    }

    @Override
    public void accept(String line) {
        if (line.isEmpty()) {
            if (hasData) {
                events.accept(type, data.toString());
            }
            type = DEFAULT_TYPE;
            data.setLength(0);
            hasData = false;
            return;
        }
        if (line.startsWith(":")) {
            return;
        }
        int colon = line.indexOf(':');
        String field = colon < 0 ? line : line.substring(0, colon);
        String value = colon < 0 ? "" : line.substring(colon + 1);
        if (value.startsWith(" ")) {
            value = value.substring(1);
        }
        if (field.equals("event")) {
            type = value;
        } else if (field.equals("data")) {
            if (hasData) {
                data.append('\n');
            }
            data.append(value);
            hasData = true;
        }
    }
}
