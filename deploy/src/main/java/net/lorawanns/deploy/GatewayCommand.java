package net.lorawanns.deploy;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import net.lorawanns.core.types.Eui64;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code gateway add|list}: registers and lists the gateways of a running server through its API. */
@Command(name = "gateway", mixinStandardHelpOptions = true,
        description = "Register and list the gateways of a running server (through its API).",
        subcommands = {GatewayCommand.Add.class, GatewayCommand.ListGateways.class})
final class GatewayCommand {

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Register a gateway (or change the region of a registered one). Needs an admin key.")
    static final class Add implements Callable<Integer> {
        @Mixin
        ApiConnection connection;

        @Parameters(paramLabel = "EUI", description = "the gateway's EUI (16 hex digits)")
        String eui;

        @Option(names = "--region", paramLabel = "ID",
                description = "the region it serves, one of the server's network.enabled_regions (e.g. eu868); "
                        + "default: the server's default region")
        String region;

        @Override
        public Integer call() throws Exception {
            Eui64 gateway;
            try {
                gateway = Eui64.parse(eui);
            } catch (IllegalArgumentException e) {
                return connection.usage("EUI: " + e.getMessage());
            }
            return connection.run((client, out, err) -> {
                ApiClient.Answer answer = client.send("PUT", "api/v1/gateways/" + gateway,
                        region == null ? null : new JsonObject().put("region", region));
                if (!answer.ok()) {
                    return ApiConnection.failed(answer, err);
                }
                out.println("Registered gateway " + answer.body().getString("gateway_id")
                        + answer.body().getString("region", "").transform(id -> id.isEmpty() ? "" : " in region " + id));
                return 0;
            });
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List the registered gateways: EUI, region ('-': the server's default region), whether it "
                    + "is online (a PULL_DATA to any instance within gateway.udp.offline_timeout) and when it was "
                    + "last seen ('-': never).")
    static final class ListGateways implements Callable<Integer> {
        @Mixin
        ApiConnection connection;

        @Override
        public Integer call() throws Exception {
            return connection.run((client, out, err) -> {
                String row = "%-16s  %-8s  %-7s  %s%n";
                List<JsonObject> gateways = new ArrayList<>();
                ApiClient.Answer answer = client.list("api/v1/gateways", "gateways", gateways::add);
                if (!answer.ok()) {
                    return ApiConnection.failed(answer, err);
                }
                out.printf(row, "EUI", "REGION", "ONLINE", "LAST SEEN");
                for (JsonObject gateway : gateways) {
                    out.printf(row, gateway.getString("gateway_id"), gateway.getString("region", "-"),
                            gateway.getBoolean("online", false) ? "yes" : "no",
                            Objects.requireNonNullElse(gateway.getString("last_seen"), "-"));
                }
                return 0;
            });
        }
    }
}
