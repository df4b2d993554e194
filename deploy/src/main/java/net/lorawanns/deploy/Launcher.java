package net.lorawanns.deploy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import net.lorawanns.config.ConfigException;
import net.lorawanns.config.ConfigLoader;
import net.lorawanns.config.ConfigWriter;
import net.lorawanns.config.HostPort;
import net.lorawanns.config.Settings;
import net.lorawanns.core.join.JoinServerDoctor;
import net.lorawanns.core.types.Eui64;
import net.lorawanns.core.types.NetId;
import net.lorawanns.joinclient.JoinServerCheck;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The command line: {@code serve}, {@code config check}, {@code keys rotate}, {@code js check}, and, calling the API
 * of a running server, {@code api-key create|list|revoke}, {@code gateway add|list}, {@code device add|show},
 * {@code events tail} and {@code simulate}.
 */
@Command(name = "lorawan-ns", mixinStandardHelpOptions = true, version = "lorawan-ns 0.1.0",
        description = "LoRaWAN network server with a built-in and external join server path.",
        subcommands = {Launcher.Serve.class, Launcher.ConfigCommand.class, Launcher.KeysCommand.class,
                Launcher.JsCommand.class, ApiKeyCommand.class, GatewayCommand.class, DeviceCommand.class,
                EventsCommand.class, SimulateCommand.class})
public final class Launcher {
    /** Exit code for a configuration that cannot be used. */
    static final int CONFIG_ERROR = 2;

    public static void main(String[] args) {
        int status = commandLine().execute(args);
        // Log lines still queued in the asynchronous appender (a configuration error, say) go out before the exit.
        LogLevels.flush();
        System.exit(status);
    }

    /** The command line with every command, to run one in process (as the tests do) rather than from {@link #main}. */
    public static CommandLine commandLine() {
        return new CommandLine(new Launcher());
    }

    @Command(name = "serve", mixinStandardHelpOptions = true,
            description = "Start the server. Without --config it runs on built-in defaults with an embedded Redis.")
    static final class Serve implements Callable<Integer> {
        private static final Logger LOG = LoggerFactory.getLogger(Serve.class);

        @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "the TOML configuration file")
        Path config;

        @Override
        public Integer call() throws Exception {
            Settings settings;
            try {
                settings = config == null ? Settings.DEFAULTS : new ConfigLoader().load(config);
            } catch (ConfigException e) {
                LOG.error("Configuration {}: {}", config, e.getMessage());
                return CONFIG_ERROR;
            }
            LOG.info(config == null ? "No --config given: using built-in defaults" : "Configuration {}", config);
            Server server;
            try {
                server = config == null ? Server.startOnBuiltInDefaults() : Server.start(settings);
            } catch (ConfigException e) {
                LOG.error("Configuration {}: {}", config == null ? "(built-in defaults)" : config, e.getMessage());
                return CONFIG_ERROR;
            }
            // Straight to standard output, not through the logger: log appenders may be configured to ship lines
            // elsewhere (files, collectors), and this key is for the person at the terminal only.
            server.runKey().ifPresent(key -> {
                System.out.println("API key for this run (admin scope, in memory only, printed once): " + key);
                String api = (settings.api().tls() ? "https" : "http") + "://"
                        + HostPort.parse(settings.api().bind()).host() + ":" + server.apiPort();
                System.out.println("  e.g. curl -H 'Authorization: Bearer " + key + "' " + api + "/api/v1/gateways");
                System.out.println("  or sign in with it to the console at " + api + "/console");
                System.out.flush();
            });
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                server.close();
                LogLevels.flush();
                stopped.countDown();
            }, "shutdown"));
            stopped.await();
            return 0;
        }
    }

    @Command(name = "config", mixinStandardHelpOptions = true, description = "Work with configuration files.",
            subcommands = ConfigCommand.Check.class)
    static final class ConfigCommand {

        @Command(name = "check", mixinStandardHelpOptions = true,
                description = "Validate FILE (certificates and keys included) and print the effective configuration, "
                        + "secrets masked.")
        static final class Check implements Callable<Integer> {
            @Parameters(paramLabel = "FILE", description = "the TOML configuration file")
            Path file;

            @CommandLine.Spec
            CommandLine.Model.CommandSpec spec;

            @Override
            public Integer call() {
                try {
                    Settings settings = new ConfigLoader().load(file);
                    Server.networkPlan(settings);
                    TlsFiles.check(settings);
                    spec.commandLine().getOut().print(new ConfigWriter().toToml(settings));
                    spec.commandLine().getOut().flush();
                    spec.commandLine().getErr().println(file + ": OK");
                    return 0;
                } catch (ConfigException e) {
                    spec.commandLine().getErr().println(file + ": " + e.getMessage());
                    return CONFIG_ERROR;
                }
            }
        }
    }

    @Command(name = "keys", mixinStandardHelpOptions = true, description = "Manage the master key that seals secrets at rest.",
            subcommands = KeysCommand.Rotate.class)
    static final class KeysCommand {

        @Command(name = "rotate", mixinStandardHelpOptions = true,
                description = "Re-encrypt every stored secret (root keys, AppSKeys, session keys, webhook headers) "
                        + "under internal_js.master_key, reading older records with internal_js.previous_master_keys.")
        static final class Rotate implements Callable<Integer> {
            @Option(names = {"-c", "--config"}, paramLabel = "FILE", required = true,
                    description = "the TOML configuration file of the servers")
            Path config;

            @CommandLine.Spec
            CommandLine.Model.CommandSpec spec;

            @Override
            public Integer call() throws Exception {
                try {
                    Settings settings = new ConfigLoader().load(config);
                    KeyRotation.Result result = KeyRotation.run(settings);
                    spec.commandLine().getOut().println("Re-encrypted " + result.rootKeys() + " root-key record(s), "
                            + result.ownerTokens() + " owner-token record(s), " + result.appSKeys()
                            + " AppSKey record(s), " + result.sessions() + " session record(s), "
                            + result.applications() + " application record(s) and " + result.transferKeys()
                            + " transfer key(s) under master key ID '"
                            + settings.internalJs().masterKeyId() + "'");
                    spec.commandLine().getOut().flush();
                    return 0;
                } catch (ConfigException e) {
                    spec.commandLine().getErr().println(config + ": " + e.getMessage());
                    spec.commandLine().getErr().flush();
                    return CONFIG_ERROR;
                }
            }
        }
    }

    @Command(name = "js", mixinStandardHelpOptions = true, description = "Work with join servers.",
            subcommands = JsCommand.Check.class)
    static final class JsCommand {

        @Command(name = "check", mixinStandardHelpOptions = true,
                description = "Show, step by step, what the server would do for a JoinEUI: the static entry, DNS "
                        + "records or default it finds; the TLS handshake; a harmless Backend Interfaces request. "
                        + "Exit status 0 when a join would reach a working server, 1 when not, 2 for a bad "
                        + "configuration.")
        static final class Check implements Callable<Integer> {
            /** The longest a check may take: DNS questions, a handshake and a request, each with its own deadline. */
            private static final long CHECK_TIMEOUT_SECONDS = 60;

            @Parameters(paramLabel = "JOINEUI", description = "the JoinEUI (16 hex digits)")
            String joinEui;

            @Option(names = {"-c", "--config"}, paramLabel = "FILE",
                    description = "the TOML configuration file of the servers; default: the built-in defaults")
            Path config;

            @Option(names = "--dev-eui", paramLabel = "DEVEUI",
                    description = "a device to ask the join server about; default: a DevEUI no device has")
            String devEui;

            @CommandLine.Spec
            CommandLine.Model.CommandSpec spec;

            @Override
            public Integer call() throws Exception {
                PrintWriter out = spec.commandLine().getOut();
                PrintWriter err = spec.commandLine().getErr();
                Eui64 join;
                Optional<Eui64> device;
                try {
                    join = Eui64.parse(joinEui);
                    device = devEui == null ? Optional.empty() : Optional.of(Eui64.parse(devEui));
                } catch (IllegalArgumentException e) {
                    err.println(e.getMessage());
                    err.flush();
                    return CommandLine.ExitCode.USAGE;
                }
                Vertx vertx = Vertx.vertx();
                try {
                    Settings settings = config == null ? Settings.DEFAULTS : new ConfigLoader().load(config);
                    JoinServerCheck check = new JoinServerCheck(vertx, JoinServerRouting.resolver(vertx, settings,
                            new SimpleMeterRegistry()), settings.internalJs().enabled(),
                            NetId.parse(settings.network().netId()), settings.joinServer().nsId());
                    // The check runs on an event loop of its own, as the API's does.
                    Promise<JoinServerDoctor.Report> done = Promise.promise();
                    vertx.getOrCreateContext().runOnContext(v -> check.check(join, device).onComplete(done));
                    JoinServerDoctor.Report report = done.future().await(CHECK_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                    report.inStepOrder().forEach(finding -> out.println(finding.line()));
                    out.println(report.joinWouldWork() ? "A join of JoinEUI " + join + " would reach a working join "
                            + "server." : "A join of JoinEUI " + join + " would fail: see the FAIL lines.");
                    out.flush();
                    return report.joinWouldWork() ? 0 : 1;
                } catch (ConfigException e) {
                    err.println((config == null ? "(built-in defaults)" : config) + ": " + e.getMessage());
                    err.flush();
                    return CONFIG_ERROR;
                } finally {
                    vertx.close().await(CHECK_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                }
            }
        }
    }
}
