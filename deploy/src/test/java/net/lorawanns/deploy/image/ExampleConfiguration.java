package net.lorawanns.deploy.image;

import java.nio.file.Path;
import java.util.Map;
import net.lorawanns.config.ConfigException;
import net.lorawanns.config.ConfigLoader;
import net.lorawanns.config.HostPort;
import net.lorawanns.config.Settings;

/**
 * deploy/container/lorawan-ns.toml, the one configuration of the image, the compose file and the Kubernetes
 * ConfigMap, read with the environment an operator gives it (secrets made up for the tests).
 */
public final class ExampleConfiguration {
    /** Relative to the deploy module, where Maven runs its tests. */
    public static final Path FILE = Path.of("container/lorawan-ns.toml");
    /** The variables the file requires: what compose's env file and the Kubernetes Secret must give. */
    public static final Map<String, String> SECRETS = Map.of(
            "LORAWAN_NS_MASTER_KEY", "00112233445566778899AABBCCDDEEFF",
            "LORAWAN_NS_API_KEY", "example-admin-key-0123456789");

    private ExampleConfiguration() {
    }

    /** The file's settings, LORAWAN_NS_REDIS_URL unset (so Redis is at the service name). */
    public static Settings settings() throws ConfigException {
        return new ConfigLoader(SECRETS::get).load(FILE);
    }

    public static int apiPort() throws ConfigException {
        return HostPort.parse(settings().api().bind()).port();
    }

    public static int metricsPort() throws ConfigException {
        return HostPort.parse(settings().metrics().bind()).port();
    }

    public static int gatewayPort() throws ConfigException {
        return HostPort.parse(settings().gateway().udp().bind()).port();
    }
}
