package net.lorawanns.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.lorawanns.config.ConfigException;
import net.lorawanns.config.ConfigLoader;
import net.lorawanns.config.Settings;
import net.lorawanns.core.redis.RedisEncoding;
import net.lorawanns.core.redis.RedisExpiryCycle;
import net.lorawanns.deploy.image.ExampleConfiguration;
import org.junit.jupiter.api.Test;

/**
 * The compose file and the Kubernetes manifests agree with the one example configuration
 * (deploy/container/lorawan-ns.toml) and with each other: the same file, its ports, its secrets, Redis at the
 * service name it names. The image itself is ContainerImageIT's.
 */
class DeploymentFilesTest {
    private static final ObjectMapper YAML = new YAMLMapper();
    private static final Path COMPOSE = Path.of("container/compose.yaml");
    private static final Path ENV_EXAMPLE = Path.of("container/lorawan-ns.env.example");
    private static final Path KUBERNETES = Path.of("kubernetes");
    private static final String CONFIG_IN_IMAGE = "/etc/lorawan-ns/lorawan-ns.toml";

    @Test
    void theExampleConfigurationChecksOutWithRedisAtTheServiceName() throws Exception {
        Settings settings = ExampleConfiguration.settings();
        Server.networkPlan(settings);
        assertEquals(List.of("redis://redis:6379"), settings.redis().servers());
        assertEquals(1, settings.api().apiKeys().size());
        assertEquals(1700, ExampleConfiguration.gatewayPort(), "the Semtech packet forwarder's port");
    }

    @Test
    void theExampleConfigurationNeedsExactlyItsSecrets() throws Exception {
        for (String left : ExampleConfiguration.SECRETS.keySet()) {
            Map<String, String> others = new HashMap<>(ExampleConfiguration.SECRETS);
            others.remove(left);
            try {
                new ConfigLoader(others::get).load(ExampleConfiguration.FILE);
                throw new AssertionError("loads without " + left);
            } catch (ConfigException e) {
                assertTrue(e.getMessage().contains(left), e.getMessage());
            }
        }
        assertEquals(ExampleConfiguration.SECRETS.keySet(),
                requiredVariables(Files.readString(ExampleConfiguration.FILE)));
    }

    @Test
    void theConfigMapHoldsTheExampleConfigurationByteForByte() throws IOException {
        JsonNode configMap = manifest("configmap.yaml", "ConfigMap", "lorawan-ns");
        assertEquals(Files.readString(ExampleConfiguration.FILE), configMap.at("/data/lorawan-ns.toml").asText());
    }

    @Test
    void composeRunsTheImageOnTheExampleConfigurationWithRedis() throws Exception {
        JsonNode compose = YAML.readTree(COMPOSE.toFile());
        JsonNode server = compose.at("/services/lorawan-ns");
        assertEquals(deploymentContainer().get("image").asText(), server.get("image").asText(),
                "compose and Kubernetes run the same image");
        assertEquals("never", server.get("pull_policy").asText(), "the image is loaded from the build, not pulled");
        assertEquals(List.of("./lorawan-ns.toml:" + CONFIG_IN_IMAGE + ":ro"), texts(server.get("volumes")));
        assertTrue(Files.isRegularFile(COMPOSE.resolveSibling("lorawan-ns.toml")));
        assertEquals(List.of(ExampleConfiguration.gatewayPort() + ":" + ExampleConfiguration.gatewayPort() + "/udp",
                        "127.0.0.1:" + ExampleConfiguration.apiPort() + ":" + ExampleConfiguration.apiPort(),
                        "127.0.0.1:" + ExampleConfiguration.metricsPort() + ":" + ExampleConfiguration.metricsPort()),
                texts(server.get("ports")), "the gateways' port on every interface; plain HTTP on loopback only");
        assertEquals("redis", redisHost(), "the example's Redis is compose's service");
        assertTrue(compose.at("/services/redis/image").asText().startsWith("docker.io/library/redis:"));
        assertEquals("service_healthy", server.at("/depends_on/redis/condition").asText());

        assertEquals("lorawan-ns.env", server.get("env_file").asText());
        Set<String> inEnvExample = new TreeSet<>();
        for (String line : Files.readAllLines(ENV_EXAMPLE)) {
            if (!line.startsWith("#") && line.contains("=")) {
                assertTrue(line.endsWith("="), "the example holds no secret: " + line);
                inEnvExample.add(line.substring(0, line.indexOf('=')));
            }
        }
        assertEquals(new TreeSet<>(ExampleConfiguration.SECRETS.keySet()), inEnvExample);
    }

    @Test
    void theDeploymentProbesReadinessAndLivenessOnTheMetricsPort() throws Exception {
        JsonNode container = deploymentContainer();
        Map<String, Integer> ports = new HashMap<>();
        Map<String, String> protocols = new HashMap<>();
        for (JsonNode port : container.get("ports")) {
            ports.put(port.get("name").asText(), port.get("containerPort").asInt());
            protocols.put(port.get("name").asText(), port.path("protocol").asText("TCP"));
        }
        assertEquals(Map.of("udp", ExampleConfiguration.gatewayPort(), "api", ExampleConfiguration.apiPort(),
                "metrics", ExampleConfiguration.metricsPort()), ports);
        assertEquals("UDP", protocols.get("udp"));
        assertEquals("/ready", container.at("/readinessProbe/httpGet/path").asText());
        assertEquals("/health", container.at("/livenessProbe/httpGet/path").asText());
        assertEquals("metrics", container.at("/readinessProbe/httpGet/port").asText());
        assertEquals("metrics", container.at("/livenessProbe/httpGet/port").asText());
        assertTrue(container.at("/resources/requests/memory").isTextual());
        assertTrue(container.at("/resources/limits/memory").isTextual());
    }

    @Test
    void theDeploymentRunsAsTheImagesUnprivilegedUser() throws Exception {
        JsonNode pod = manifest("deployment.yaml", "Deployment", "lorawan-ns").at("/spec/template/spec");
        assertTrue(pod.at("/securityContext/runAsNonRoot").asBoolean());
        String imageUser = Files.readAllLines(Path.of("src/image/root/etc/passwd")).stream()
                .filter(line -> line.startsWith("lorawan-ns:")).findFirst().orElseThrow().split(":")[2];
        assertEquals(imageUser, pod.at("/securityContext/runAsUser").asText());
        JsonNode container = deploymentContainer();
        assertEquals(false, container.at("/securityContext/allowPrivilegeEscalation").asBoolean(true));
        assertTrue(container.at("/securityContext/readOnlyRootFilesystem").asBoolean());
        assertEquals(Set.of("/etc/lorawan-ns", "/tmp"), mountPaths(container));
        assertEquals(false, pod.at("/automountServiceAccountToken").asBoolean(true),
                "the server does not call the Kubernetes API: no token in the pod");
    }

    @Test
    void theDeploymentLetsTheEndpointsDropThePodBeforeSigterm() throws Exception {
        JsonNode pod = manifest("deployment.yaml", "Deployment", "lorawan-ns").at("/spec/template/spec");
        int preStopSleep = deploymentContainer().at("/lifecycle/preStop/sleep/seconds").asInt();
        assertEquals(5, preStopSleep);
        int shutdown = 13;
        assertTrue(pod.at("/terminationGracePeriodSeconds").asInt() > preStopSleep + shutdown,
                "the grace period covers the sleep and the shutdown on SIGTERM (README, up to 13 s)");
    }

    /** The Redis settings the README asks for (Redis memory, Redis latency) and the server warns without. */
    @Test
    void theExampleRedisRunsWithTheSettingsTheServerAsksFor() throws Exception {
        List<String> settings = List.of("--hash-max-listpack-value", String.valueOf(
                RedisEncoding.HASH_MAX_ZIPLIST_VALUE), "--hz", String.valueOf(RedisExpiryCycle.HZ));
        List<String> composed = texts(YAML.readTree(COMPOSE.toFile()).at("/services/redis/command"));
        List<String> kubernetes = texts(manifest("redis.yaml", "Deployment", redisHost())
                .at("/spec/template/spec/containers/0/args"));
        assertTrue(Collections.indexOfSubList(composed, settings) >= 0, composed.toString());
        assertTrue(Collections.indexOfSubList(kubernetes, settings) >= 0, kubernetes.toString());
    }

    @Test
    void onlyTheServersPodsReachRedis() throws Exception {
        JsonNode serverLabels = manifest("deployment.yaml", "Deployment", "lorawan-ns")
                .at("/spec/template/metadata/labels");
        JsonNode redis = manifest("redis.yaml", "Deployment", redisHost());
        JsonNode policy = manifest("redis.yaml", "NetworkPolicy", redisHost());
        assertEquals(redis.at("/spec/template/metadata/labels"), policy.at("/spec/podSelector/matchLabels"));
        assertEquals(List.of("Ingress"), texts(policy.at("/spec/policyTypes")));
        JsonNode ingress = policy.at("/spec/ingress");
        assertEquals(1, ingress.size());
        assertEquals(1, ingress.at("/0/from").size());
        assertEquals(serverLabels, ingress.at("/0/from/0/podSelector/matchLabels"));
        assertTrue(ingress.at("/0/from/0/namespaceSelector").isMissingNode(), "pods of this namespace only");
        assertEquals("redis", ingress.at("/0/ports/0/port").asText());
        assertEquals("redis", redis.at("/spec/template/spec/containers/0/ports/0/name").asText());
        assertEquals("RuntimeDefault", redis.at("/spec/template/spec/securityContext/seccompProfile/type").asText());
    }

    @Test
    void theDeploymentReadsTheConfigMapAndItsSecretsFromTheSecret() throws Exception {
        JsonNode container = deploymentContainer();
        JsonNode pod = manifest("deployment.yaml", "Deployment", "lorawan-ns").at("/spec/template/spec");
        String configVolume = null;
        for (JsonNode mount : container.get("volumeMounts")) {
            if (mount.get("mountPath").asText().equals(Path.of(CONFIG_IN_IMAGE).getParent().toString())) {
                configVolume = mount.get("name").asText();
            }
        }
        assertNotNull(configVolume, "a volume is mounted at " + Path.of(CONFIG_IN_IMAGE).getParent());
        List<String> configMaps = new ArrayList<>();
        for (JsonNode volume : pod.get("volumes")) {
            if (volume.get("name").asText().equals(configVolume)) {
                configMaps.add(volume.at("/configMap/name").asText());
            }
        }
        assertEquals(List.of("lorawan-ns"), configMaps, "the volume " + configVolume + " is the ConfigMap lorawan-ns");

        JsonNode secret = YAML.readTree(KUBERNETES.resolve("secret.yaml.example").toFile());
        assertEquals("Secret", secret.get("kind").asText());
        Map<String, String> fromSecret = new HashMap<>();
        for (JsonNode variable : container.get("env")) {
            JsonNode reference = variable.at("/valueFrom/secretKeyRef");
            assertEquals(secret.at("/metadata/name").asText(), reference.get("name").asText());
            assertEquals("", secret.at("/stringData/" + reference.get("key").asText()).asText(null),
                    "the template names the key and holds no value");
            fromSecret.put(variable.get("name").asText(), reference.get("key").asText());
        }
        assertEquals(ExampleConfiguration.SECRETS.keySet(), fromSecret.keySet());
    }

    @Test
    void servicesReachTheGatewayPortAndTheApiAndRedisHasTheExamplesServiceName() throws Exception {
        JsonNode labels = manifest("deployment.yaml", "Deployment", "lorawan-ns").at("/spec/template/metadata/labels");
        JsonNode udp = manifest("service.yaml", "Service", "lorawan-ns-udp");
        assertEquals(labels, udp.at("/spec/selector"));
        assertEquals(ExampleConfiguration.gatewayPort(), udp.at("/spec/ports/0/port").asInt());
        assertEquals("UDP", udp.at("/spec/ports/0/protocol").asText());
        assertEquals("ClientIP", udp.at("/spec/sessionAffinity").asText(),
                "a gateway's PUSH_DATA and PULL_DATA reach the same replica where the node or load balancer keeps it");
        assertEquals(1, manifest("deployment.yaml", "Deployment", "lorawan-ns").at("/spec/replicas").asInt(),
                "one replica: ClientIP affinity holds per node, and cloud load balancers hash UDP's 5-tuple");
        JsonNode api = manifest("service.yaml", "Service", "lorawan-ns-api");
        assertEquals(labels, api.at("/spec/selector"));
        assertEquals(ExampleConfiguration.apiPort(), api.at("/spec/ports/0/port").asInt());

        JsonNode redis = manifest("redis.yaml", "Service", redisHost());
        assertEquals(6379, redis.at("/spec/ports/0/port").asInt());
    }

    private static String redisHost() throws ConfigException {
        Matcher url = Pattern.compile("redis://([^:/]+):(\\d+)").matcher(ExampleConfiguration.settings().redis()
                .servers().get(0));
        assertTrue(url.matches());
        return url.group(1);
    }

    private static JsonNode deploymentContainer() throws IOException {
        JsonNode containers = manifest("deployment.yaml", "Deployment", "lorawan-ns")
                .at("/spec/template/spec/containers");
        assertEquals(1, containers.size());
        return containers.get(0);
    }

    /** The document of that kind and name in a multi-document YAML file of deploy/kubernetes. */
    private static JsonNode manifest(String file, String kind, String name) throws IOException {
        List<JsonNode> documents = YAML.readValues(YAML.getFactory().createParser(KUBERNETES.resolve(file).toFile()),
                JsonNode.class).readAll();
        return documents.stream()
                .filter(d -> d.path("kind").asText().equals(kind) && d.at("/metadata/name").asText().equals(name))
                .findFirst().orElseThrow(() -> new AssertionError(file + " has no " + kind + " " + name));
    }

    private static Set<String> mountPaths(JsonNode container) {
        Set<String> paths = new TreeSet<>();
        container.get("volumeMounts").forEach(mount -> paths.add(mount.get("mountPath").asText()));
        return paths;
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(node -> texts.add(node.asText()));
        return texts;
    }

    /** The ${NAME} references without a fallback in a configuration text. */
    private static Set<String> requiredVariables(String text) {
        Set<String> names = new TreeSet<>();
        Matcher m = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}").matcher(text);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }
}
