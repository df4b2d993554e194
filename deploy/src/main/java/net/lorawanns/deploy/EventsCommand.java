package net.lorawanns.deploy;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code events tail}: follows the event stream of a running server. The command's (main) thread reads the stream and
 * prints each event as it arrives.
 */
@Command(name = "events", mixinStandardHelpOptions = true,
        description = "Follow the events of a running server (through its API).",
        subcommands = EventsCommand.Tail.class)
final class EventsCommand {

    @Command(name = "tail", mixinStandardHelpOptions = true,
            description = "Print the server's events as they happen, one line each (type, DevEUI, application, a "
                    + "summary), until interrupted. Exit status 1 when the stream ends (the server stopped, the key "
                    + "was revoked) or cannot be opened.")
    static final class Tail implements Callable<Integer> {
        /** The fields a summary shows, when the event has them. */
        private static final List<String> SUMMARY = List.of("dev_addr", "f_cnt", "f_port", "confirmed", "id",
                "size", "queue_length", "class", "window", "tx_ack", "reason", "description", "battery", "margin");

        @Mixin
        ApiConnection connection;

        @Option(names = "--application", paramLabel = "ID",
                description = "only this application's events (a key of an application's scope gets only those)")
        String application;

        @Option(names = "--json", description = "print each event's JSON as the server sent it")
        boolean json;

        @Override
        public Integer call() throws Exception {
            String path = "api/v1/events" + (application == null ? ""
                    : "?application_id=" + URLEncoder.encode(application, StandardCharsets.UTF_8));
            return connection.run((client, out, err) -> {
                ApiClient.Answer answer = client.follow(path, () -> {
                    err.println("Following the events of " + connection.url + " until interrupted (Ctrl-C)");
                    err.flush();
                }, new ServerSentEvents((type, data) -> {
                    out.println(json ? data : line(type, data));
                    out.flush();
                }));
                if (!answer.ok()) {
                    return ApiConnection.failed(answer, err);
                }
                err.println("The event stream of " + connection.url + " ended");
                return 1;
            });
        }

        /** One line for a person: type, DevEUI, application, and the summary fields the event has. */
        private static String line(String type, String data) {
            JsonObject event;
            try {
                event = new JsonObject(data);
            } catch (DecodeException e) {
                return type + "  " + data;
            }
            StringBuilder line = new StringBuilder(String.format("%-16s  %-16s  %s", type,
                    event.getString("dev_eui", "-"), event.getString("application_id", "-")));
            for (String field : SUMMARY) {
                Object value = event.getValue(field);
                if (value != null) {
                    line.append("  ").append(field).append('=').append(value);
                }
            }
            return line.toString();
        }
    }
}
