package net.lorawanns.deploy;

import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The options every command that calls the API of a running server shares (a picocli mixin): where the API is, the
 * key, the CA to trust. Exit status 0 on success, 1 when the server refuses or cannot be reached, 2 for a usage error.
 * Runs on the command's (main) thread.
 */
final class ApiConnection {
    @Option(names = "--url", paramLabel = "URL", defaultValue = "http://127.0.0.1:8090",
            description = "the server's API (default: ${DEFAULT-VALUE})")
    URI url;

    @Option(names = "--api-key", paramLabel = "KEY", defaultValue = "${env:LORAWAN_NS_API_KEY}",
            description = "an API key with the scope the command needs; default: the environment variable "
                    + "LORAWAN_NS_API_KEY, which keeps the key out of the process list")
    String apiKey;

    @Option(names = "--ca-cert", paramLabel = "FILE",
            description = "CA certificate(s) (PEM) to trust for an https URL instead of the system's roots")
    Path caCert;

    @CommandLine.Spec(CommandLine.Spec.Target.MIXEE)
    CommandLine.Model.CommandSpec spec;

    /** One call of the API with its output. */
    interface ApiCall {
        int run(ApiClient client, PrintWriter out, PrintWriter err) throws Exception;
    }

    /** Runs {@code call} with a client, turning failures into a message and an exit status. */
    int run(ApiCall call) throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        if (apiKey == null || apiKey.isBlank()) {
            return usage("No API key: give --api-key or set LORAWAN_NS_API_KEY");
        }
        String scheme = url.getScheme();
        if (scheme == null || !(scheme.equals("http") || scheme.equals("https")) || url.getHost() == null) {
            return usage("--url must be an http:// or https:// address with a host, e.g. http://127.0.0.1:8090");
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
            return usage("--ca-cert " + caCert + ": " + e.getMessage());
        }
    }

    /** Prints {@code message} on standard error and gives the exit status of a usage error. */
    int usage(String message) {
        PrintWriter err = spec.commandLine().getErr();
        err.println(message);
        err.flush();
        return CommandLine.ExitCode.USAGE;
    }

    /** Prints the API's refusal and gives exit status 1. */
    static int failed(ApiClient.Answer answer, PrintWriter err) {
        err.println(answer.error());
        return 1;
    }
}
