package net.lorawanns.deploy;

import io.vertx.core.json.JsonObject;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code api-key create|list|revoke}: manages the API keys of a running server through its API, with an admin key.
 * Exit status 0 on success, 1 when the server refuses or cannot be reached, 2 for a usage error.
 */
@Command(name = "api-key", mixinStandardHelpOptions = true,
        description = "Manage the API keys of a running server (through its API, with an admin key).",
        subcommands = {ApiKeyCommand.Create.class, ApiKeyCommand.ListKeys.class, ApiKeyCommand.Revoke.class})
final class ApiKeyCommand {

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Make an API key. It is printed once, alone on standard output; the server keeps only its "
                    + "SHA-256.")
    static final class Create implements Callable<Integer> {
        @Mixin
        ApiConnection connection;

        @Option(names = "--scope", required = true, paramLabel = "SCOPE",
                description = "admin, read-only or application:ID")
        String scope;

        @Option(names = "--name", paramLabel = "TEXT", defaultValue = "", description = "what the key is for")
        String name;

        @Override
        public Integer call() throws Exception {
            return connection.run((client, out, err) -> {
                ApiClient.Answer answer = client.send("POST", "api/v1/api-keys",
                        new JsonObject().put("scope", scope).put("name", name));
                if (!answer.ok()) {
                    return ApiConnection.failed(answer, err);
                }
                JsonObject key = answer.body();
                out.println(key.getString("key"));
                err.println("Made API key " + key.getString("id") + " with scope " + key.getString("scope")
                        + ". This is the only time the key is shown: keep it now.");
                return 0;
            });
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List the API keys made through the API (never the keys themselves).")
    static final class ListKeys implements Callable<Integer> {
        @Mixin
        ApiConnection connection;

        @Override
        public Integer call() throws Exception {
            return connection.run((client, out, err) -> {
                ApiClient.Answer answer = client.send("GET", "api/v1/api-keys", null);
                if (!answer.ok()) {
                    return ApiConnection.failed(answer, err);
                }
                String row = "%-16s  %-24s  %-24s  %-24s  %-24s  %s%n";
                out.printf(row, "ID", "SCOPE", "CREATED_AT", "CREATED_BY", "REVOKED_AT", "NAME");
                for (Object entry : answer.body().getJsonArray("api_keys")) {
                    JsonObject key = (JsonObject) entry;
                    out.printf(row, key.getString("id"), key.getString("scope"), key.getString("created_at"),
                            key.getString("created_by"), key.getString("revoked_at", "-"), key.getString("name"));
                }
                return 0;
            });
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true,
            description = "Revoke an API key: it stops working on every server instance at its next request.")
    static final class Revoke implements Callable<Integer> {
        @Mixin
        ApiConnection connection;

        @Parameters(paramLabel = "ID", description = "the key's ID (16 hex digits, as list shows it)")
        String id;

        @Override
        public Integer call() throws Exception {
            if (!id.matches("[0-9a-f]{16}")) {
                return connection.usage("ID: must be 16 hex digits (lower case), got '" + id + "'");
            }
            return connection.run((client, out, err) -> {
                ApiClient.Answer answer = client.send("DELETE", "api/v1/api-keys/" + id, null);
                if (!answer.ok()) {
                    return ApiConnection.failed(answer, err);
                }
                out.println("Revoked API key " + id + " (at " + answer.body().getString("revoked_at") + " by "
                        + answer.body().getString("revoked_by") + ")");
                return 0;
            });
        }
    }
}
