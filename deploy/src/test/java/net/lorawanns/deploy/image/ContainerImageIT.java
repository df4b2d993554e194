package net.lorawanns.deploy.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import net.lorawanns.core.testing.TestRedis;
import net.lorawanns.deploy.image.ImageArchive.LayerFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The container image that {@code mvn package} leaves in deploy/target/ (Jib's buildTar; run by Failsafe after
 * package). Read as an engine reads it, then run: its layers unpacked into a directory and its entrypoint started
 * there in a chroot as the image's user, which needs root and the right to make device nodes (CAP_MKNOD). Without
 * them those tests are skipped, unless LORAWAN_NS_REQUIRE_IMAGE_RUN=1 (CI, which runs as root, sets it): then they
 * fail.
 */
class ContainerImageIT {
    private static final Path TAR = Path.of("target/lorawan-ns-image.tar");
    private static final Path JAR = Path.of("target/lorawan-ns.jar");
    private static final Path SYSTEMD_UNIT = Path.of("systemd/lorawan-ns.service");
    private static final Path COMPOSE = Path.of("container/compose.yaml");
    private static final Path DEPLOYMENT = Path.of("kubernetes/deployment.yaml");
    private static final Path README = Path.of("../README.md");
    /** What build-runtime.sh made (deploy/pom.xml passes it the JDK and the modules the test gets here). */
    private static final Path RUNTIME = Path.of("target/image-runtime");
    private static final String NETTY_EPOLL = "META-INF/native/libnetty_transport_native_epoll_x86_64.so";
    /**
     * The runtime's desktop libraries (AWT, fonts, images, sound, splash screen), which a headless server never loads
     * and whose libraries build-runtime.sh leaves out, as it says.
     */
    private static final Pattern DESKTOP_LIBRARY = Pattern.compile(
            "lib(awt.*|jawt|fontmanager|javajpeg|lcms|mlib_image|splashscreen|jsound)\\.so");
    private static final boolean REQUIRE_RUN = "1".equals(System.getenv("LORAWAN_NS_REQUIRE_IMAGE_RUN"));
    private static final String CONFIG_IN_IMAGE = "/etc/lorawan-ns/lorawan-ns.toml";
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    /** Put in the queue of output lines when the process's output ends. */
    private static final String END_OF_OUTPUT = "\0end of output";

    private static ImageArchive image;
    private static JsonObject container;
    private static Map<String, LayerFile> files;
    private static Path root;
    /** Why the image cannot run in a chroot here, once a test found out; null while it can. */
    private static String cannotRun;
    private static boolean devicesMade;

    private Process process;
    /** Kills the chroot's server if the test JVM ends while it runs (a failed or interrupted test). */
    private Thread killer;

    @BeforeAll
    static void readImage() throws IOException {
        assertTrue(Files.isRegularFile(TAR), TAR.toAbsolutePath() + " is missing: `mvn package` builds it");
        image = ImageArchive.read(TAR);
        container = image.config().getJsonObject("config");
        files = image.files();
    }

    @AfterEach
    void stopServer() throws Exception {
        if (process != null) {
            stop(process);
            Runtime.getRuntime().removeShutdownHook(killer);
        }
    }

    @AfterAll
    static void removeRoot() throws IOException {
        if (root != null) {
            try (Stream<Path> paths = Files.walk(root)) {
                for (Path path : paths.sorted((a, b) -> b.compareTo(a)).toList()) {
                    Files.delete(path);
                }
            }
        }
    }

    @Test
    void entrypointIsTheJvmOfTheSystemdUnitOnTheServerJar() throws IOException {
        List<String> expected = new ArrayList<>(List.of("/opt/java/bin/java"));
        expected.addAll(systemdJvmOptions());
        expected.addAll(List.of("-jar", "/app/lorawan-ns.jar"));
        assertEquals(expected, strings(container.getJsonArray("Entrypoint")));
    }

    @Test
    void commandServesTheExampleConfiguration() throws IOException {
        assertEquals(List.of("serve", "--config", CONFIG_IN_IMAGE), strings(container.getJsonArray("Cmd")));
        assertArrayEquals(Files.readAllBytes(ExampleConfiguration.FILE), file(CONFIG_IN_IMAGE).content(),
                "the image holds deploy/container/lorawan-ns.toml");
    }

    @Test
    void exposesTheGatewayPortAndThePortsOfTheExampleConfiguration() throws Exception {
        assertEquals(Set.of(ExampleConfiguration.gatewayPort() + "/udp", ExampleConfiguration.apiPort() + "/tcp",
                        ExampleConfiguration.metricsPort() + "/tcp"),
                container.getJsonObject("ExposedPorts").fieldNames());
        assertEquals(1700, ExampleConfiguration.gatewayPort(), "the Semtech packet forwarder's port");
    }

    @Test
    void runsAsAnUnprivilegedUserNamedInTheImage() {
        String user = container.getString("User");
        assertNotNull(user, "an image without User runs as root");
        String[] uidAndGid = user.split(":");
        assertTrue(uidAndGid[0].matches("\\d+"), "a numeric uid, so that runAsNonRoot can check it: " + user);
        assertNotEquals("0", uidAndGid[0]);
        assertNotEquals("0", uidAndGid[1]);
        String passwdLine = file("/etc/passwd").text().lines()
                .filter(line -> line.split(":")[2].equals(uidAndGid[0]))
                .findFirst().orElseThrow(() -> new AssertionError("/etc/passwd has no line for uid " + uidAndGid[0]));
        assertNotEquals("root", passwdLine.split(":")[0]);
        assertTrue(file("/etc/group").text().lines().anyMatch(line -> line.split(":")[2].equals(uidAndGid[1])),
                "/etc/group has gid " + uidAndGid[1]);
    }

    @Test
    void labelsFollowTheOpenContainersAnnotations() {
        JsonObject labels = container.getJsonObject("Labels");
        assertEquals("lorawan-ns", labels.getString("org.opencontainers.image.title"));
        assertEquals("lorawan-ns:" + labels.getString("org.opencontainers.image.version"),
                image.manifest().getJsonArray("RepoTags").getString(0));
        assertEquals("linux", image.config().getString("os"));
        assertEquals("amd64", image.config().getString("architecture"));
    }

    @Test
    void layersAreTheOnesTheConfigurationNames() throws IOException {
        JsonArray diffIds = image.config().getJsonObject("rootfs").getJsonArray("diff_ids");
        List<String> digests = image.layers().stream().map(ImageArchive.Layer::diffId).toList();
        assertEquals(strings(diffIds), digests, "an engine refuses layers whose digests differ from diff_ids");
    }

    @Test
    void layersHoldTheServerJarAndARuntimeThatRunsIt() throws IOException {
        assertArrayEquals(Files.readAllBytes(JAR), file("/app/lorawan-ns.jar").content(),
                "the image runs the jar of this build");
        for (String executable : List.of("/opt/java/bin/java", "/lib64/ld-linux-x86-64.so.2")) {
            assertTrue((file(executable).mode() & 0111) == 0111, executable + " is executable");
        }
        assertTrue(file("/opt/java/lib/server/libjvm.so").content().length > 0, "the JVM");
        assertTrue(file("/opt/java/lib/security/cacerts").content().length > 10_000,
                "the runtime trusts the public CAs (join servers, webhooks)");
        assertEquals(0777, file("/tmp/").mode() & 0777, "anyone may write /tmp (Netty unpacks its library there)");
    }

    /**
     * ldd on the image's launcher and libraries (but the desktop ones) and Netty's epoll library, laid out as in the
     * image: every library of the build machine that the dynamic loader resolves for them is in the image, as the
     * build machine has it now.
     */
    @Test
    void imageHoldsEveryLibraryTheRuntimeLoadsAsTheBuildMachineHasIt() throws Exception {
        Path unpacked = unpackedFiles();
        List<String> programs = new ArrayList<>();
        for (LayerFile file : files.values()) {
            byte[] content = file.content();
            if (file.path().startsWith("/opt/java/") && file.type() == TarReader.Type.FILE && content.length > 4
                    && content[0] == 0x7f && content[1] == 'E' && content[2] == 'L' && content[3] == 'F'
                    && !DESKTOP_LIBRARY.matcher(Path.of(file.path()).getFileName().toString()).matches()) {
                programs.add(unpacked.resolve(file.path().substring(1)).toString());
            }
        }
        assertTrue(programs.contains(unpacked.resolve("opt/java/lib/server/libjvm.so").toString()),
                programs.toString());
        Path netty = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "netty-epoll");
        try (ZipFile jar = new ZipFile(JAR.toFile())) {
            ZipEntry entry = jar.getEntry(NETTY_EPOLL);
            assertNotNull(entry, NETTY_EPOLL + " in the jar");
            Path epoll = netty.resolve("libnetty_transport_native_epoll_x86_64.so");
            try (InputStream in = jar.getInputStream(entry)) {
                Files.copy(in, epoll);
            }
            programs.add(epoll.toString());

            List<String> command = new ArrayList<>(List.of("ldd"));
            command.addAll(programs);
            Process ldd = new ProcessBuilder(command).redirectErrorStream(true).start();
            List<String> output = readAll(ldd);
            assertEquals(0, ldd.exitValue(), String.join("\n", output));
            Pattern resolved = Pattern.compile("^\\s+(?:(\\S+) => )?(/\\S+) \\(0x[0-9a-f]+\\)$");
            Set<String> fromBuildMachine = new TreeSet<>();
            for (String line : output) {
                // The runtime's libraries find libjvm.so loaded already, not on a path: ldd cannot see it.
                assertTrue(!line.contains("not found") || line.trim().startsWith("libjvm.so "), "ldd: " + line);
                Matcher m = resolved.matcher(line);
                if (m.matches() && !m.group(2).startsWith(unpacked + "/") && !m.group(2).startsWith(netty + "/")) {
                    fromBuildMachine.add(m.group(2));
                }
            }
            assertTrue(fromBuildMachine.contains("/lib64/ld-linux-x86-64.so.2"), fromBuildMachine.toString());
            for (String library : fromBuildMachine) {
                assertArrayEquals(Files.readAllBytes(Path.of(library)), file(library).content(),
                        library + ", which ldd resolves for the runtime, is in the image as on the build machine");
            }
        } finally {
            try (Stream<Path> paths = Files.walk(netty)) {
                for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
    }

    /**
     * A rebuild keeps the jlinked runtime but copies the build machine's libraries anew (an upgrade of glibc, say,
     * reaches the image without `mvn clean`): build-runtime.sh run again on a copy of its output whose libc is
     * stale and which holds a library no longer needed.
     */
    @Test
    void aRebuildKeepsTheRuntimeAndCopiesTheLibrariesAnew() throws Exception {
        String javaHome = System.getProperty("image.java.home");
        String modules = System.getProperty("image.java.modules");
        assertNotNull(javaHome, "deploy/pom.xml passes image.java.home to Failsafe");
        assertNotNull(modules, "deploy/pom.xml passes image.java.modules to Failsafe");
        Path copy = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "image-runtime-copy")
                .resolve("image-runtime");
        try {
            run(List.of("cp", "-a", RUNTIME.toAbsolutePath().toString(), copy.toString()));
            Files.copy(Path.of(RUNTIME + ".stamp"), Path.of(copy + ".stamp"));
            Path libc;
            try (Stream<Path> paths = Files.walk(copy)) {
                libc = paths.filter(p -> p.getFileName().toString().equals("libc.so.6"))
                        .filter(p -> !p.startsWith(copy.resolve("opt"))).findFirst()
                        .orElseThrow(() -> new AssertionError("no libc.so.6 in " + RUNTIME));
            }
            byte[] onBuildMachine = Files.readAllBytes(Path.of("/").resolve(copy.relativize(libc)));
            Files.writeString(libc, "libc of before the upgrade");
            Path gone = copy.resolve("usr/lib/x86_64-linux-gnu/libgone.so.1");
            Files.createDirectories(gone.getParent());
            Files.writeString(gone, "a library the runtime no longer needs");
            Path jvm = copy.resolve("opt/java/lib/server/libjvm.so");
            FileTime linked = Files.getLastModifiedTime(jvm);

            run(List.of("bash", "src/image/build-runtime.sh", javaHome, modules, JAR.toString(), copy.toString()));
            assertArrayEquals(onBuildMachine, Files.readAllBytes(libc), "libc as the build machine has it now");
            assertFalse(Files.exists(gone), "the libraries of the previous build go");
            assertEquals(linked, Files.getLastModifiedTime(jvm), "the runtime is kept, not linked again");
        } finally {
            try (Stream<Path> paths = Files.walk(copy.getParent())) {
                for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
    }

    /** The image's tag, which the build takes from the project's version, is the one compose and Kubernetes run. */
    @Test
    void composeTheDeploymentAndTheReadmeRunTheImageOfThisBuild() throws IOException {
        String tag = image.manifest().getJsonArray("RepoTags").getString(0);
        ObjectMapper yaml = new YAMLMapper();
        assertEquals(tag, yaml.readTree(COMPOSE.toFile()).at("/services/lorawan-ns/image").asText(),
                COMPOSE.toString());
        JsonNode deployment = yaml.readValues(yaml.getFactory().createParser(DEPLOYMENT.toFile()), JsonNode.class)
                .readAll().stream().filter(d -> d.path("kind").asText().equals("Deployment")).findFirst()
                .orElseThrow();
        assertEquals(tag, deployment.at("/spec/template/spec/containers/0/image").asText(), DEPLOYMENT.toString());
        Matcher inReadme = Pattern.compile("lorawan-ns:\\d[\\w.-]*").matcher(Files.readString(README));
        int tags = 0;
        while (inReadme.find()) {
            assertEquals(tag, inReadme.group(), "README.md");
            tags++;
        }
        assertTrue(tags > 0, "README.md names the image's tag");
    }

    @Test
    void runtimeHasEveryModuleTheJarUses() {
        String release = file("/opt/java/release").text();
        Matcher modules = Pattern.compile("(?m)^MODULES=\"([^\"]*)\"").matcher(release);
        assertTrue(modules.find(), release);
        Set<String> inRuntime = Set.of(modules.group(1).split(" "));

        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = ToolProvider.findFirst("jdeps").orElseThrow().run(new PrintWriter(out), new PrintWriter(err),
                "--print-module-deps", "--ignore-missing-deps", "--multi-release", "17", JAR.toString());
        assertEquals(0, status, err.toString());
        for (String module : out.toString().trim().split(",")) {
            assertTrue(inRuntime.contains(module), "jdeps finds " + module + " used by the jar; the runtime has "
                    + inRuntime + " (deploy/pom.xml, image.java.modules)");
        }
        assertTrue(inRuntime.contains("jdk.crypto.ec"), "elliptic-curve TLS, loaded as a service, invisible to jdeps");
    }

    @Test
    void printsItsVersionInAChroot() throws Exception {
        Path chroot = unpackedRoot();
        start(chroot, Map.of(), List.of("--version"));
        List<String> output = readAll(process);
        assertEquals(0, process.exitValue(), String.join("\n", output));
        assertTrue(output.get(0).matches("lorawan-ns \\d+\\.\\d+\\.\\d+"), output.toString());
    }

    @Test
    void checksTheExampleConfigurationInAChroot() throws Exception {
        Path chroot = unpackedRoot();
        Files.copy(ExampleConfiguration.FILE, chroot.resolve(CONFIG_IN_IMAGE.substring(1)),
                StandardCopyOption.REPLACE_EXISTING);
        start(chroot, ExampleConfiguration.SECRETS, List.of("config", "check", CONFIG_IN_IMAGE));
        List<String> output = readAll(process);
        assertEquals(0, process.exitValue(), String.join("\n", output));
        assertTrue(output.contains("redis.servers = ['redis://redis:6379']"), "Redis at the service name: " + output);
        assertTrue(output.contains(CONFIG_IN_IMAGE + ": OK"), output.toString());
    }

    /**
     * The image's entrypoint and command as the engine starts them, on the example configuration with its three
     * listening addresses moved to free loopback ports (fixed ports would collide with other servers on the
     * machine) and its Redis keys under a prefix of their own (the test Redis is shared), Redis given by
     * LORAWAN_NS_REDIS_URL as an operator would: ready, then a clean stop on SIGTERM.
     */
    @Test
    void servesTheExampleConfigurationInAChrootAndStopsOnSigterm() throws Exception {
        Path chroot = unpackedRoot();
        String example = Files.readString(ExampleConfiguration.FILE);
        var settings = ExampleConfiguration.settings();
        String config = example;
        for (String bind : List.of(settings.gateway().udp().bind(), settings.api().bind(), settings.metrics().bind())) {
            assertTrue(config.contains("\"" + bind + "\""), bind);
            config = config.replace("\"" + bind + "\"", "\"127.0.0.1:0\"");
        }
        assertTrue(config.contains("[redis]\n"), config);
        config = config.replace("[redis]\n", "[redis]\nkey_prefix = \"image-test-" + UUID.randomUUID() + ":\"\n");
        Files.writeString(chroot.resolve(CONFIG_IN_IMAGE.substring(1)), config);

        Map<String, String> environment = new HashMap<>(ExampleConfiguration.SECRETS);
        environment.put("LORAWAN_NS_REDIS_URL", TestRedis.url());
        start(chroot, environment, strings(container.getJsonArray("Cmd")));
        BlockingQueue<String> lines = output(process);
        List<String> seen = new ArrayList<>();

        int metricsPort = Integer.parseInt(awaitLine(lines, seen,
                Pattern.compile("Metrics at http://127\\.0\\.0\\.1:(\\d+)/metrics")).group(1));
        awaitLine(lines, seen, Pattern.compile("network server ready"));
        HttpResponse<String> ready = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + metricsPort + "/ready")).timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, ready.statusCode(), ready.body());

        // SIGTERM through the handle: Process.destroy() would also close the output the test still reads.
        assertTrue(process.toHandle().destroy());
        awaitLine(lines, seen, Pattern.compile("LoRaWAN network server stopped"));
        assertTrue(process.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS), "the server stops after SIGTERM");
        assertEquals(143, process.exitValue(), "the JVM's status after a clean SIGTERM shutdown: " + seen);
    }

    private static List<String> systemdJvmOptions() throws IOException {
        String execStart = Files.readAllLines(SYSTEMD_UNIT).stream().filter(line -> line.startsWith("ExecStart="))
                .findFirst().orElseThrow();
        List<String> words = Arrays.asList(execStart.substring("ExecStart=".length()).split("\\s+"));
        assertEquals("/usr/bin/java", words.get(0), execStart);
        return words.subList(1, words.indexOf("-jar"));
    }

    private static LayerFile file(String path) {
        LayerFile file = files.get(path);
        assertNotNull(file, path + " is in no layer");
        return file;
    }

    private static List<String> strings(JsonArray array) {
        return array.stream().map(String.class::cast).toList();
    }

    /** The image's layers unpacked into a directory under target/ (not /tmp, which may be mounted nodev). */
    private static synchronized Path unpackedFiles() throws IOException {
        if (root != null) {
            return root;
        }
        Path unpacked = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "image-root");
        Files.setPosixFilePermissions(unpacked, permissions(0755));
        for (LayerFile file : files.values()) {
            Path path = unpacked.resolve(file.path().substring(1));
            switch (file.type()) {
                case DIRECTORY -> Files.createDirectories(path);
                case FILE -> {
                    Files.createDirectories(path.getParent());
                    Files.write(path, file.content());
                }
                case SYMLINK -> {
                    Files.createDirectories(path.getParent());
                    Files.createSymbolicLink(path, Path.of(file.linkTarget()));
                }
                default -> fail("unexpected entry in a layer: " + file.path() + " " + file.type());
            }
            if (file.type() != TarReader.Type.SYMLINK) {
                Files.setPosixFilePermissions(path, permissions(file.mode()));
            }
        }
        root = unpacked;
        return root;
    }

    /**
     * The image's layers unpacked, with what a container engine adds at run time: /etc/hosts and /etc/resolv.conf
     * (the host's here) and the device nodes the JVM reads (random numbers). Skips the test (fails it with
     * LORAWAN_NS_REQUIRE_IMAGE_RUN=1) unless this runs as root and may make device nodes.
     */
    private static synchronized Path unpackedRoot() throws Exception {
        if (cannotRun == null && !isRoot()) {
            cannotRun = "running the image in a chroot needs root (CI runs as root)";
        }
        if (cannotRun != null) {
            skipOrFail(cannotRun);
        }
        Path unpacked = unpackedFiles();
        if (devicesMade) {
            return unpacked;
        }
        for (String name : List.of("hosts", "resolv.conf")) {
            Path host = Path.of("/etc", name);
            if (Files.isRegularFile(host)) {
                Files.copy(host, unpacked.resolve("etc").resolve(name), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Files.createDirectories(unpacked.resolve("dev"));
        for (String[] device : new String[][] {{"null", "3"}, {"zero", "5"}, {"random", "8"}, {"urandom", "9"}}) {
            Process mknod = new ProcessBuilder("mknod", "-m", "666",
                    unpacked.resolve("dev").resolve(device[0]).toString(), "c", "1", device[1])
                    .redirectErrorStream(true).start();
            List<String> output = readAll(mknod);
            if (mknod.exitValue() != 0) {
                cannotRun = "mknod /dev/" + device[0] + " is refused (no CAP_MKNOD in this container?): " + output;
                skipOrFail(cannotRun);
            }
        }
        devicesMade = true;
        return unpacked;
    }

    /** Skips the test, or fails it when LORAWAN_NS_REQUIRE_IMAGE_RUN=1 asks that the image run. */
    private static void skipOrFail(String reason) {
        if (REQUIRE_RUN) {
            fail(reason + "; LORAWAN_NS_REQUIRE_IMAGE_RUN=1 requires that the image run");
        }
        assumeTrue(false, reason + "; skipped");
    }

    /**
     * The image's entrypoint followed by {@code args}, in a chroot of {@code chroot}, as the image's user, with the
     * image's environment and {@code extra}. In a bare chroot there is no /proc: the launcher finds its libjli.so
     * relative to itself through /proc/self/exe, so LD_ORIGIN_PATH tells the dynamic loader that directory instead.
     */
    private void start(Path chroot, Map<String, String> extra, List<String> args) throws IOException {
        List<String> entrypoint = strings(container.getJsonArray("Entrypoint"));
        List<String> command = new ArrayList<>(List.of(chroot(), "--userspec=" + container.getString("User"),
                chroot.toString()));
        command.addAll(entrypoint);
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> environment = builder.environment();
        environment.clear();
        for (Object variable : container.getJsonArray("Env")) {
            String[] nameAndValue = ((String) variable).split("=", 2);
            environment.put(nameAndValue[0], nameAndValue[1]);
        }
        environment.put("LD_ORIGIN_PATH", Path.of(entrypoint.get(0)).getParent().toString());
        environment.putAll(extra);
        process = builder.start();
        Process started = process;
        killer = new Thread(started::destroyForcibly, "kill-chroot-server");
        Runtime.getRuntime().addShutdownHook(killer);
    }

    /** Kills the process if it still runs and waits until it has ended. */
    private static void stop(Process process) throws Exception {
        process.destroyForcibly();
        try {
            process.onExit().get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("process " + process.pid() + " still runs " + DEADLINE + " after SIGKILL", e);
        }
    }

    private static void run(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        List<String> output = readAll(process);
        assertEquals(0, process.exitValue(), command + ": " + String.join("\n", output));
    }

    private static String chroot() {
        return Stream.of("/usr/sbin/chroot", "/usr/bin/chroot", "/sbin/chroot")
                .filter(p -> Files.isExecutable(Path.of(p)))
                .findFirst().orElseThrow(() -> new AssertionError("no chroot command on this machine"));
    }

    private static boolean isRoot() throws IOException {
        return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] bits = {PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE,
                PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE,
                PosixFilePermission.GROUP_READ, PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE,
                PosixFilePermission.OWNER_READ};
        for (int bit = 0; bit < bits.length; bit++) {
            if ((mode & (1 << bit)) != 0) {
                permissions.add(bits[bit]);
            }
        }
        return permissions;
    }

    /**
     * The process's output once it exited. Its output is read on a thread of its own, so that a process that never
     * ends fails the test after DEADLINE (and is killed) rather than hanging the build.
     */
    private static List<String> readAll(Process process) throws Exception {
        BlockingQueue<String> lines = output(process);
        if (!process.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
            stop(process);
            List<String> seen = new ArrayList<>();
            lines.drainTo(seen);
            throw new AssertionError("no exit within " + DEADLINE + " (killed); output: " + seen);
        }
        List<String> seen = new ArrayList<>();
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (true) {
            String line = lines.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (line == null) {
                throw new AssertionError("the output did not end within " + DEADLINE + ": " + seen);
            }
            if (line.equals(END_OF_OUTPUT)) {
                return seen;
            }
            seen.add(line);
        }
    }

    /** The process's output lines, read by a daemon thread of their own, then END_OF_OUTPUT. */
    private static BlockingQueue<String> output(Process process) {
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> readLines(process, lines), "process-output-" + process.pid());
        reader.setDaemon(true);
        reader.start();
        return lines;
    }

    private static void readLines(Process process, BlockingQueue<String> lines) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            in.lines().forEach(lines::add);
        } catch (IOException | UncheckedIOException closed) {
            // the process ended
        }
        lines.add(END_OF_OUTPUT);
    }

    private static Matcher awaitLine(BlockingQueue<String> lines, List<String> seen, Pattern pattern)
            throws InterruptedException {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (System.nanoTime() < deadline) {
            String line = lines.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (line == null || line.equals(END_OF_OUTPUT)) {
                break;
            }
            seen.add(line);
            Matcher m = pattern.matcher(line);
            if (m.find()) {
                return m;
            }
        }
        throw new AssertionError("no line matching " + pattern + " before the output ended or within " + DEADLINE
                + "; output: " + seen);
    }
}
