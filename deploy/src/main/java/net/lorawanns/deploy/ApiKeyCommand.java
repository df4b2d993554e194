package net.lorawanns.deploy;

import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
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

    /** Where the API is and how to call it. */
    static final class Connection {
        @Option(names = "--url", paramLabel = "URL", defaultValue = "http://127.0.0.1:8090",
                description = "the server's API (default: ${DEFAULT-VALUE})")
        URI url;

        @Option(names = "--api-key", paramLabel = "KEY", defaultValue = "${env:LORAWAN_NS_API_KEY}",
                description = "an admin API key; default: the environment variable LORAWAN_NS_API_KEY, which keeps "
                        + "the key out of the process list")
        String apiKey;

        @Option(names = "--ca-cert", paramLabel = "FILE",
                description = "CA certificate(s) (PEM) to trust for an https URL instead of the system's roots")
        Path caCert;

        @CommandLine.Spec(CommandLine.Spec.Target.MIXEE)
        CommandLine.Model.CommandSpec spec;

        /** Runs {@code call} with a client, turning failures into a message and an exit status. */
        int run(ApiCall call) throws Exception {
            PrintWriter err = spec.commandLine().getErr();
            if (apiKey == null || apiKey.isBlank()) {
                err.println("No API key: give --api-key or set LORAWAN_NS_API_KEY");
                err.flush();
                return CommandLine.ExitCode.USAGE;
            }
            String scheme = url.getScheme();
            if (scheme == null || !(scheme.equals("http") || scheme.equals("https")) || url.getHost() == null) {
                err.println("--url must be an http:// or https:// address with a host, e.g. http://127.0.0.1:8090");
                err.flush();
                return CommandLine.ExitCode.USAGE;
            }
            try {
                String base = url.toString().endsWith("/") ? url.toString() : url + "/";
                int status = call.run(new ApiClient(URI.create(base), apiKey, Optional.ofNullable(caCert)),
                        spec.commandLine().getOut(), err);
                spec.commandLine().getOut().flush();
                err.flush();
                return status;
            } catch (ApiClient.Unreachable e) {
                err.println(e.getMessage());
                err.flush();
                return 1;
            } catch (java.io.IOException | java.security.GeneralSecurityException e) {
                // The --ca-cert file cannot be read or is not a certificate.
                err.println("--ca-cert " + caCert + ": " + e.getMessage());
                err.flush();
                return CommandLine.ExitCode.USAGE;
            }
        }
    }

    /** One call of the API with its output. */
    interface ApiCall {
        int run(ApiClient client, PrintWriter out, PrintWriter err) throws Exception;
    }

    private static int failed(ApiClient.Answer answer, PrintWriter err) {
        err.println(answer.error());
        return 1;
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Make an API key. It is printed once, alone on standard output; the server keeps only its "
                    + "SHA-256.")
    static final class Create implements Callable<Integer> {
        @Mixin
        Connection connection;

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
                    return failed(answer, err);
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
        Connection connection;

        @Override
        public Integer call() throws Exception {
            return connection.run((client, out, err) -> {
                ApiClient.Answer answer = client.send("GET", "api/v1/api-keys", null);
                if (!answer.ok()) {
                    return failed(answer, err);
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
        Connection connection;

        @Parameters(paramLabel = "ID", description = "the key's ID (16 hex digits, as list shows it)")
        String id;

        @Override
        public Integer call() throws Exception {
            if (!id.matches("[0-9a-f]{16}")) {
                connection.spec.commandLine().getErr().println("ID: must be 16 hex digits (lower case), got '" + id + "'");
                connection.spec.commandLine().getErr().flush();
                return CommandLine.ExitCode.USAGE;
            }
            return connection.run((client, out, err) -> {
                ApiClient.Answer answer = client.send("DELETE", "api/v1/api-keys/" + id, null);
                if (!answer.ok()) {
                    return failed(answer, err);
                }
                out.println("Revoked API key " + id + " (at " + answer.body().getString("revoked_at") + " by "
                        + answer.body().getString("revoked_by") + ")");
                return 0;
            });
        }
    }
}
