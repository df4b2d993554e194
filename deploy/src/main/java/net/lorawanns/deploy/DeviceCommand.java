package net.lorawanns.deploy;

import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import net.lorawanns.core.device.Application;
import net.lorawanns.core.types.AesKey;
import net.lorawanns.core.types.Eui64;
import net.lorawanns.core.types.MacVersion;
import net.lorawanns.js.claim.Tr005QrCode;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code device add|list|show}: registers an OTAA device, lists an application's devices and shows a device through
 * the API of a running server.
 */
@Command(name = "device", mixinStandardHelpOptions = true,
        description = "Register, list and show the devices of a running server (through its API).",
        subcommands = {DeviceCommand.Add.class, DeviceCommand.ListDevices.class, DeviceCommand.Show.class})
final class DeviceCommand {
    /** The value of a key option that means: read the key from standard input. */
    private static final String FROM_STDIN = "-";

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Register an OTAA device (or replace one), its JoinEUI given or read from its TR005 QR code. "
                    + "Root keys given with --app-key/--nwk-key go to the built-in join server, sealed; the API never "
                    + "shows them again. A key on the command line lands in the shell history and the process list: "
                    + "give '-' to read it from standard input instead (one line per key, --app-key first).")
    static final class Add implements Callable<Integer> {
        @Mixin
        ApiConnection connection;

        @Parameters(paramLabel = "DEVEUI", arity = "0..1",
                description = "the DevEUI (16 hex digits); may be left out with --qr, which carries it")
        String devEui;

        @Option(names = "--application", paramLabel = "ID", required = true,
                description = "the application the device belongs to (it must exist)")
        String application;

        @Option(names = "--mac-version", paramLabel = "V", required = true,
                description = "the LoRaWAN version it implements: 1.0.0 to 1.0.4 or 1.1.0")
        String macVersion;

        @ArgGroup(multiplicity = "1")
        JoinEuiSource joinEuiSource;

        @Option(names = "--app-key", paramLabel = "HEX",
                description = "the AppKey (32 hex digits), or '-' to read it from standard input; leave out when "
                        + "the device's join server is not the built-in one")
        String appKey;

        @Option(names = "--nwk-key", paramLabel = "HEX",
                description = "the NwkKey of a LoRaWAN 1.1 device (32 hex digits), or '-' to read it from standard "
                        + "input")
        String nwkKey;

        /** Where the JoinEUI comes from: given, or read from the device's QR code. */
        static final class JoinEuiSource {
            @Option(names = "--join-eui", paramLabel = "EUI", required = true,
                    description = "the JoinEUI (16 hex digits)")
            String joinEui;

            @Option(names = "--qr", paramLabel = "QR", required = true,
                    description = "the text of the device's TR005 QR code (LW:D0:JoinEUI:DevEUI:ProfileID...), "
                            + "which gives JoinEUI and DevEUI")
            String qr;
        }

        @Override
        public Integer call() throws Exception {
            JsonObject body = new JsonObject().put("application_id", application);
            Eui64 device;
            try {
                body.put("mac_version", MacVersion.parse(macVersion).toString());
                Eui64 joinEui;
                if (joinEuiSource.qr != null) {
                    Tr005QrCode code = Tr005QrCode.parse(joinEuiSource.qr);
                    joinEui = code.joinEui();
                    device = code.devEui();
                    if (devEui != null && !Eui64.parse(devEui).equals(device)) {
                        return connection.usage("DEVEUI " + devEui + " is not the QR code's DevEUI " + device);
                    }
                } else if (devEui == null) {
                    return connection.usage("Missing DEVEUI: give it, or --qr with the device's QR code");
                } else {
                    joinEui = Eui64.parse(joinEuiSource.joinEui);
                    device = Eui64.parse(devEui);
                }
                body.put("join_eui", joinEui.toString());
            } catch (IllegalArgumentException e) {
                return connection.usage(e.getMessage());
            }
            BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            try {
                if (appKey != null) {
                    body.put("app_key", key(appKey, "--app-key", stdin));
                }
                if (nwkKey != null) {
                    body.put("nwk_key", key(nwkKey, "--nwk-key", stdin));
                }
            } catch (IllegalArgumentException e) {
                return connection.usage(e.getMessage());
            }
            return connection.run((client, out, err) -> {
                ApiClient.Answer answer = client.send("PUT", "api/v1/devices/" + device, body);
                if (!answer.ok()) {
                    return ApiConnection.failed(answer, err);
                }
                out.println("Registered device " + answer.body().getString("dev_eui") + " (JoinEUI "
                        + answer.body().getString("join_eui") + ", LoRaWAN " + answer.body().getString("mac_version")
                        + ") in application " + answer.body().getString("application_id")
                        + (answer.body().getBoolean("root_keys_in_internal_js", false)
                        ? "; its root keys are in the built-in join server" : ""));
                return 0;
            });
        }

        /** The key given, or the next line of standard input for '-'; checked here so a typo never reaches the server. */
        private static String key(String given, String option, BufferedReader stdin) throws IOException {
            String text = given;
            if (FROM_STDIN.equals(given)) {
                text = stdin.readLine();
                if (text == null) {
                    throw new IllegalArgumentException(option + " -: standard input ended before the key");
                }
                text = text.strip();
            }
            // Parsed only to check it; the message names the option, never the key.
            AesKey.parse(text, option);
            return text;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List an application's devices, every page of them: DevEUI, JoinEUI ('ABP' for an ABP "
                    + "device), device profile ('-': the network's defaults) and whether it has a session.")
    static final class ListDevices implements Callable<Integer> {
        @Mixin
        ApiConnection connection;

        @Option(names = "--application", paramLabel = "ID", required = true,
                description = "the application whose devices are listed")
        String application;

        @Override
        public Integer call() throws Exception {
            try {
                Application.checkId(application);
            } catch (IllegalArgumentException e) {
                return connection.usage("--application: " + e.getMessage());
            }
            return connection.run((client, out, err) -> {
                String row = "%-16s  %-16s  %-16s  %s%n";
                List<JsonObject> devices = new ArrayList<>();
                ApiClient.Answer answer = client.list("api/v1/devices?application_id=" + application, "devices",
                        devices::add);
                if (!answer.ok()) {
                    return ApiConnection.failed(answer, err);
                }
                out.printf(row, "DEVEUI", "JOINEUI", "PROFILE", "SESSION");
                for (JsonObject device : devices) {
                    out.printf(row, device.getString("dev_eui"), device.getString("join_eui", "ABP"),
                            device.getString("device_profile_id", "-"), device.containsKey("session") ? "active"
                                    : device.containsKey("pending_session") ? "pending" : "-");
                }
                return 0;
            });
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Show a device as the API gives it (JSON): settings, session state, MAC state; never a key.")
    static final class Show implements Callable<Integer> {
        @Mixin
        ApiConnection connection;

        @Parameters(paramLabel = "DEVEUI", description = "the DevEUI (16 hex digits)")
        String devEui;

        @Override
        public Integer call() throws Exception {
            Eui64 device;
            try {
                device = Eui64.parse(devEui);
            } catch (IllegalArgumentException e) {
                return connection.usage("DEVEUI: " + e.getMessage());
            }
            return connection.run((client, out, err) -> {
                ApiClient.Answer answer = client.send("GET", "api/v1/devices/" + device, null);
                if (!answer.ok()) {
                    return ApiConnection.failed(answer, err);
                }
                out.println(answer.body().encodePrettily());
                return 0;
            });
        }
    }
}
