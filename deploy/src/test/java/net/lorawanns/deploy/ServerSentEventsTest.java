package net.lorawanns.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The event-stream examples of the WHATWG HTML standard, "Server-sent events", read as its text says they read. */
class ServerSentEventsTest {

    private static List<String> read(String... lines) {
        List<String> events = new ArrayList<>();
        ServerSentEvents reader = new ServerSentEvents((type, data) -> events.add(type + "|" + data));
        List.of(lines).forEach(reader);
        return events;
    }

    @Test
    void dataLinesJoinWithNewLinesAndTheTypeDefaultsToMessage() {
        // The standard's stock-quote example: one event whose data is YHOO, +2 and 10 on three lines.
        assertEquals(List.of("message|YHOO\n+2\n10"), read("data: YHOO", "data: +2", "data: 10", ""));
    }

    @Test
    void commentsAreSkippedAndAnEventFieldNamesTheType() {
        assertEquals(List.of("add|73857293", "remove|2153", "add|113411"), read(": test stream", "",
                "event: add", "data: 73857293", "", "event: remove", "data: 2153", "", "event: add",
                "data: 113411", ""));
    }

    @Test
    void oneLeadingSpaceIsDroppedAndAnEventWithoutDataIsNotFired() {
        // "The following stream fires two identical events": the space after the colon is optional.
        assertEquals(List.of("message|test", "message|test"), read("data:test", "", "data: test", ""));
        // Its example "fires two events": an empty one, then one of a single new line; the last block, with no
        // blank line after it, is never fired.
        assertEquals(List.of("message|", "message|\n"), read("data", "", "data", "data", "", "data:"));
        assertEquals(List.of("message|x"), read("event: lonely", "", "data: x", ""));
    }
}
