package net.lorawanns.deploy.image;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * A container image as {@code docker save} writes it and {@code docker load} reads it (the docker-archive format):
 * a tar of {@code manifest.json}, the image's config JSON and one gzipped tar per layer. Read with nothing of the
 * build's, so that the test sees what an engine would.
 */
final class ImageArchive {
    private final Map<String, byte[]> entries;
    private final JsonObject manifest;
    private final JsonObject config;

    private ImageArchive(Map<String, byte[]> entries) {
        this.entries = entries;
        JsonArray manifests = new JsonArray(new String(entry("manifest.json"), StandardCharsets.UTF_8));
        if (manifests.size() != 1) {
            throw new IllegalStateException("manifest.json lists " + manifests.size() + " images, expected one");
        }
        this.manifest = manifests.getJsonObject(0);
        this.config = new JsonObject(new String(entry(manifest.getString("Config")), StandardCharsets.UTF_8));
    }

    static ImageArchive read(Path tar) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (InputStream in = Files.newInputStream(tar)) {
            TarReader.read(in, entry -> {
                if (entry.type() == TarReader.Type.FILE) {
                    entries.put(entry.name(), entry.content().readAllBytes());
                }
            });
        }
        return new ImageArchive(entries);
    }

    /** The manifest's entry for this image: Config, RepoTags, Layers. */
    JsonObject manifest() {
        return manifest;
    }

    /** The image's config JSON: architecture, os, config (Entrypoint, Cmd, User, ...), rootfs. */
    JsonObject config() {
        return config;
    }

    /** The files of every layer, bottom layer first, each file as the last layer that has it leaves it. */
    Map<String, LayerFile> files() throws IOException {
        Map<String, LayerFile> files = new LinkedHashMap<>();
        for (Layer layer : layers()) {
            files.putAll(layer.files());
        }
        return files;
    }

    /** The layers, bottom first, each with the SHA-256 of its uncompressed tar (its diff_id). */
    List<Layer> layers() throws IOException {
        List<Layer> layers = new ArrayList<>();
        for (Object name : manifest.getJsonArray("Layers")) {
            layers.add(Layer.read(entry((String) name)));
        }
        return layers;
    }

    private byte[] entry(String name) {
        byte[] content = entries.get(name);
        if (content == null) {
            throw new IllegalStateException("the image archive has no " + name + "; it has " + entries.keySet());
        }
        return content;
    }

    /** A layer's files by absolute path (directories end with '/'); regular files keep their content. */
    record Layer(String diffId, Map<String, LayerFile> files) {

        static Layer read(byte[] gzipped) throws IOException {
            byte[] tar;
            try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gzipped))) {
                tar = in.readAllBytes();
            }
            Map<String, LayerFile> files = new LinkedHashMap<>();
            TarReader.read(new ByteArrayInputStream(tar), entry -> {
                String path = "/" + entry.name();
                byte[] content = entry.type() == TarReader.Type.FILE ? entry.content().readAllBytes() : new byte[0];
                files.put(path, new LayerFile(path, entry.type(), entry.mode(), entry.linkTarget(), content));
            });
            MessageDigest sha256;
            try {
                sha256 = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
            return new Layer("sha256:" + HexFormat.of().formatHex(sha256.digest(tar)), files);
        }
    }
    /** One entry of a layer. */
    record LayerFile(String path, TarReader.Type type, int mode, String linkTarget, byte[] content) {
        String text() {
            return new String(content, StandardCharsets.UTF_8);
        }
    }
}
