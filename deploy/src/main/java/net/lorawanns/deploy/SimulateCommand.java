package net.lorawanns.deploy;

import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import net.lorawanns.config.Durations;
import net.lorawanns.config.HostPort;
import net.lorawanns.deploy.simulate.DevicePlan;
import net.lorawanns.deploy.simulate.Fleet;
import net.lorawanns.deploy.simulate.Simulation;
import net.lorawanns.deploy.simulate.SimulationSettings;
import net.lorawanns.sim.DeviceRegion;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code simulate}: drives a running server as the real world would, with gateways and devices written from the
 * specifications (the simulator module), registered through the API, and checks every uplink comes out as an event.
 * The command's (main) thread registers, opens the event stream and waits; the simulation has a thread of its own.
 */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = "Simulate gateways (Semtech UDP, protocol 2) and devices (OTAA through the built-in join server, "
                + "ABP) against a running server: registers them through the API (application sim-RUNID, a device "
                + "profile per LoRaWAN version, the gateways and devices, left registered unless --cleanup), joins "
                + "and sends uplinks, follows the event stream, prints progress and a summary. Exit status 0 when "
                + "nothing was lost, 1 when something was (or the server refused), 2 for a usage error.")
final class SimulateCommand implements Callable<Integer> {
    private static final List<String> VERSIONS = List.of("1.0.2", "1.0.3", "1.0.4", "1.1");
    /** The regions the spec device has tables for, by their configuration names. */
    private static final Map<String, DeviceRegion> REGIONS = Map.of("eu868", DeviceRegion.EU868, "us915",
            DeviceRegion.US915, "au915", DeviceRegion.AU915, "as923-1", DeviceRegion.AS923_1, "cn470",
            DeviceRegion.CN470);
    private static final Duration STREAM_OPEN_WAIT = Duration.ofSeconds(10);

    @Mixin
    ApiConnection connection;

    @Option(names = "--gateways", paramLabel = "N", defaultValue = "3", description = "gateways (default: 3)")
    int gateways;

    @Option(names = "--devices", paramLabel = "M", defaultValue = "10", description = "devices (default: 10)")
    int devices;

    @Option(names = "--mac-version", paramLabel = "V", defaultValue = "1.0.3,1.0.4,1.1", split = ",",
            description = "LoRaWAN versions the devices take in turn: 1.0.2, 1.0.3, 1.0.4, 1.1 (default: "
                    + "${DEFAULT-VALUE})")
    List<String> versions;

    @Option(names = "--activation", paramLabel = "otaa|abp|mixed", defaultValue = "otaa",
            description = "OTAA through the built-in join server, ABP, or both in turn (default: ${DEFAULT-VALUE})")
    String activation;

    @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "10s",
            description = "after each frame and its receive windows (RX2 delay + 0.2 s), each device waits this "
                    + "long, drawn within +-50 %% (default: ${DEFAULT-VALUE})")
    String interval;

    @Option(names = "--duration", paramLabel = "DURATION", defaultValue = "60s",
            description = "how long the devices send (default: ${DEFAULT-VALUE}); with --uplinks, the longest")
    String duration;

    @Option(names = "--uplinks", paramLabel = "K", description = "uplinks per device; the run ends once all sent")
    Integer uplinks;

    @Option(names = "--confirmed-share", paramLabel = "SHARE", defaultValue = "0.1",
            description = "share of uplinks sent confirmed, 0 to 1 (default: ${DEFAULT-VALUE})")
    double confirmedShare;

    @Option(names = "--udp", paramLabel = "HOST:PORT",
            description = "the server's gateway bridge (default: the host of --url, port 1700)")
    String udp;

    @Option(names = "--region", paramLabel = "ID", defaultValue = "eu868",
            description = "the region of gateways and devices: eu868, us915, au915, as923-1 or cn470, one the server "
                    + "serves (default: ${DEFAULT-VALUE})")
    String region;

    @Option(names = "--join-eui", paramLabel = "EUI", defaultValue = "0000000000000000",
            description = "the OTAA devices' JoinEUI, one the built-in join server answers (default: "
                    + "${DEFAULT-VALUE})")
    String joinEui;

    @Option(names = "--grace", paramLabel = "DURATION", defaultValue = "10s",
            description = "after the devices stop: how long events may still come before a missing one counts as "
                    + "lost, at least the devices' first RX2 delay + 1 s: 3s for ABP, 7s with OTAA (default: "
                    + "${DEFAULT-VALUE})")
    String grace;

    @Option(names = "--cleanup", description = "at the end, delete the devices, gateways and device profiles the run "
            + "registered (the application stays: the API deletes none)")
    boolean cleanup;

    @Option(names = "--seed", paramLabel = "N",
            description = "seed of the simulation's choices (gateways in reach, signal, payloads, waits); it does "
                    + "not reproduce timing, keys or the run ID; default: random")
    Long seed;

    @Override
    public Integer call() throws Exception {
        SimulationSettings settings;
        try {
            settings = settings();
        } catch (IllegalArgumentException e) {
            return connection.usage(e.getMessage());
        }
        Fleet fleet = Fleet.of(settings, Fleet.newRunId());
        return connection.run((client, out, err) -> {
            int status = 1;
            try {
                if (register(client, fleet, settings, out, err)) {
                    status = simulate(client, fleet, settings, out, err);
                }
            } finally {
                // Also after a refusal halfway through the registration, or a failure of the run.
                if (cleanup && !cleanUp(client, fleet, out, err)) {
                    status = 1;
                }
            }
            return status;
        });
    }

    private SimulationSettings settings() {
        if (gateways < 1 || gateways > 1000) {
            throw new IllegalArgumentException("--gateways must be 1 to 1000, got " + gateways);
        }
        if (devices < 1 || devices > 100_000) {
            throw new IllegalArgumentException("--devices must be 1 to 100000, got " + devices);
        }
        List<String> chosen = new ArrayList<>();
        for (String version : versions) {
            String v = version.strip().equals("1.1.0") ? "1.1" : version.strip();
            if (!VERSIONS.contains(v)) {
                throw new IllegalArgumentException("--mac-version: '" + version + "' is not one of " + VERSIONS);
            }
            chosen.add(v);
        }
        SimulationSettings.Activation mode;
        try {
            mode = SimulationSettings.Activation.valueOf(activation.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--activation must be otaa, abp or mixed, got '" + activation + "'");
        }
        Duration every = duration("--interval", interval);
        Duration sending = duration("--duration", duration);
        Duration after = duration("--grace", grace);
        if (every.isZero() || sending.isZero()) {
            throw new IllegalArgumentException("--interval and --duration must be more than 0");
        }
        Duration shortestGrace = Simulation.shortestGrace(mode);
        if (after.compareTo(shortestGrace) < 0) {
            throw new IllegalArgumentException("--grace must be at least " + shortestGrace.toMillis() + " ms with "
                    + "--activation " + activation.toLowerCase(Locale.ROOT) + " (the devices' RX2 delay and a margin: "
                    + "a shorter grace ends the run before the network can answer), got " + grace);
        }
        if (uplinks != null && uplinks < 1) {
            throw new IllegalArgumentException("--uplinks must be at least 1, got " + uplinks);
        }
        if (!(confirmedShare >= 0 && confirmedShare <= 1)) {
            throw new IllegalArgumentException("--confirmed-share must be 0 to 1, got " + confirmedShare);
        }
        DeviceRegion deviceRegion = REGIONS.get(region.toLowerCase(Locale.ROOT));
        if (deviceRegion == null) {
            throw new IllegalArgumentException("--region must be one of " + REGIONS.keySet().stream().sorted().toList()
                    + " (the regions the simulated devices have tables for), got '" + region + "'");
        }
        if (!joinEui.matches("[0-9A-Fa-f]{16}")) {
            throw new IllegalArgumentException("--join-eui must be 16 hex digits, got '" + joinEui + "'");
        }
        HostPort bridge;
        try {
            bridge = udp == null ? new HostPort(connection.url.getHost(), 1700) : HostPort.parse(udp);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--udp: " + e.getMessage());
        }
        InetSocketAddress bridgeAddress = new InetSocketAddress(bridge.host(), bridge.port());
        if (bridgeAddress.isUnresolved()) {
            throw new IllegalArgumentException((udp == null ? "the host of --url" : "--udp") + ": '" + bridge.host()
                    + "' cannot be resolved");
        }
        return new SimulationSettings(gateways, devices, List.copyOf(chosen), mode, every, sending,
                uplinks == null ? OptionalInt.empty() : OptionalInt.of(uplinks), confirmedShare, bridgeAddress,
                region.toLowerCase(Locale.ROOT), deviceRegion,
                seed == null ? new SecureRandom().nextLong() : seed, joinEui.toUpperCase(Locale.ROOT), after);
    }

    private static Duration duration(String option, String text) {
        try {
            return Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + ": " + e.getMessage());
        }
    }

    /** Registers the application, a profile per version, the gateways and devices; false (said why) on a refusal. */
    private static boolean register(ApiClient client, Fleet fleet, SimulationSettings settings, PrintWriter out,
                                    PrintWriter err) throws ApiClient.Unreachable, InterruptedException {
        String application = fleet.applicationId();
        if (!put(client, "api/v1/applications/" + application, new JsonObject(), err)) {
            return false;
        }
        for (String version : fleet.versions()) {
            JsonObject profile = new JsonObject().put("region", settings.regionId())
                    .put("mac_version", version).put("reg_params_revision", "RP002-1.0.4");
            if (!put(client, "api/v1/device-profiles/" + Fleet.profileId(fleet.runId(), version), profile, err)) {
                return false;
            }
        }
        for (String gateway : fleet.gatewayEuis()) {
            if (!put(client, "api/v1/gateways/" + gateway, new JsonObject().put("region", settings.regionId()), err)) {
                return false;
            }
        }
        for (DevicePlan device : fleet.devices()) {
            if (!put(client, "api/v1/devices/" + device.devEui(), device.registration(application), err)) {
                return false;
            }
        }
        out.printf("Registered application %s, %d device profile(s) %s-*, %d gateway(s), %d device(s)%n",
                application, fleet.versions().size(), application, fleet.gatewayEuis().size(), fleet.devices().size());
        out.flush();
        return true;
    }

    /** Deletes the devices (first: a profile a device holds cannot go), gateways and profiles of the run. */
    private static boolean cleanUp(ApiClient client, Fleet fleet, PrintWriter out, PrintWriter err)
            throws ApiClient.Unreachable, InterruptedException {
        List<String> paths = new ArrayList<>();
        fleet.devices().forEach(device -> paths.add("api/v1/devices/" + device.devEui()));
        fleet.gatewayEuis().forEach(gateway -> paths.add("api/v1/gateways/" + gateway));
        fleet.versions().forEach(version -> paths.add("api/v1/device-profiles/" + Fleet.profileId(fleet.runId(),
                version)));
        for (String path : paths) {
            ApiClient.Answer answer = client.send("DELETE", path, null);
            // 404: not registered, when the registration stopped halfway.
            if (!answer.ok() && answer.status() != 404) {
                err.println("The server refused DELETE /" + path + ": " + answer.error());
                return false;
            }
        }
        out.println("Deleted the run's devices, gateways and device profiles; application " + fleet.applicationId()
                + " stays");
        out.flush();
        return true;
    }

    private static boolean put(ApiClient client, String path, JsonObject body, PrintWriter err)
            throws ApiClient.Unreachable, InterruptedException {
        ApiClient.Answer answer = client.send("PUT", path, body);
        if (!answer.ok()) {
            err.println("The server refused PUT /" + path + ": " + answer.error());
            return false;
        }
        return true;
    }

    private static int simulate(ApiClient client, Fleet fleet, SimulationSettings settings, PrintWriter out,
                                PrintWriter err) throws Exception {
        String path = "api/v1/events?application_id=" + URLEncoder.encode(fleet.applicationId(),
                StandardCharsets.UTF_8);
        try (Simulation simulation = new Simulation(settings, fleet, line -> {
            synchronized (out) {
                out.println(line);
                out.flush();
            }
        }); ApiClient.Following events = client.followInBackground(path, new ServerSentEvents((type, data) ->
                simulation.event(data)))) {
            ApiClient.Answer opened;
            try {
                opened = events.opened.get(STREAM_OPEN_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                throw e.getCause() instanceof ApiClient.Unreachable unreachable ? unreachable : e;
            } catch (TimeoutException e) {
                err.println("The event stream " + path + " did not open within " + STREAM_OPEN_WAIT.toSeconds() + " s");
                return 1;
            }
            if (!opened.ok()) {
                err.println("The server refused the event stream: " + opened.error());
                return 1;
            }
            try {
                simulation.start();
            } catch (java.io.IOException | RuntimeException e) {
                // A socket that cannot open, or a gateway that cannot reach --udp.
                err.println("The simulated gateways could not start: " + e.getMessage());
                return 1;
            }
            out.printf("Simulating %d gateway(s) and %d device(s) (seed %d) against %s:%d%n", settings.gateways(),
                    settings.devices(), settings.seed(), settings.udp().getHostString(), settings.udp().getPort());
            out.flush();
            events.ended.thenRun(() -> {
                // A stream that ends while the run goes on loses every later event: say so at once.
                if (!events.closed()) {
                    synchronized (out) {
                        out.println("The event stream ended: events from now on are not seen");
                        out.flush();
                    }
                }
            });
            Simulation.Summary summary = simulation.awaitSummary();
            synchronized (out) {
                out.println("Summary of " + fleet.applicationId() + ":");
                summary.lines().forEach(line -> out.println("  " + line));
                out.println(summary.lost() ? "Something was lost or wrong: exit status 1" : "Nothing lost.");
                out.flush();
            }
            return summary.lost() ? 1 : 0;
        }
    }
}
