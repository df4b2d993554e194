package net.lorawanns.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The shared LoRaWAN vectors ({@code ../shared/test-vectors/lorawan-crypto.json} beside the repository),
 * gathered from public specifications and independent implementations: the oracle for protocol tests.
 */
public final class TestVectors {
    private static final String RELATIVE = "shared/test-vectors/lorawan-crypto.json";
    private static JsonNode root;

    private TestVectors() {
    }

    public static synchronized JsonNode root() {
        if (root == null) {
            try {
                root = new ObjectMapper().readTree(locate().toFile());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return root;
    }

    /** The vectors of one group, e.g. {@code "join_request_mic"}. */
    public static List<JsonNode> group(String name) {
        JsonNode node = root().get(name);
        if (node == null || !node.isArray() || node.isEmpty()) {
            throw new IllegalStateException("test-vector group '" + name + "' is missing or empty");
        }
        List<JsonNode> out = new ArrayList<>();
        node.forEach(out::add);
        return out;
    }

    public static byte[] bytes(JsonNode vector, String field) {
        return HexFormat.of().parseHex(text(vector, field));
    }

    public static String text(JsonNode vector, String field) {
        JsonNode value = vector.get(field);
        if (value == null) {
            throw new IllegalStateException("vector '" + vector.path("name").asText() + "' has no field " + field);
        }
        return value.asText();
    }

    /** A big-endian display hex field ({@code ..._be}) as a number. */
    public static long beNumber(JsonNode vector, String field) {
        return Long.parseUnsignedLong(text(vector, field), 16);
    }

    /** Walks up from the working directory to the folder that holds {@code shared/test-vectors}. */
    static Path locate() {
        String override = System.getProperty("lorawan.testVectors");
        if (override != null) {
            return Path.of(override);
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(RELATIVE);
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
            Path sibling = dir.resolveSibling(RELATIVE);
            if (Files.isRegularFile(sibling)) {
                return sibling;
            }
        }
        throw new IllegalStateException("cannot find " + RELATIVE + " above " + Path.of("").toAbsolutePath()
                + "; the shared/ folder must sit beside the repository (or set -Dlorawan.testVectors)");
    }
}
