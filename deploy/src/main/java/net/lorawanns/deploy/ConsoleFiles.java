package net.lorawanns.deploy;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The web console (README, "Console"): the static files of the jar's {@code console/} folder, served at
 * {@code /console} by the API listener, on its port and TLS. They need no API key: the page asks for one and sends it
 * with each API call it makes. The files are read once, at start-up, and kept in memory (a few kilobytes), so that a
 * request never reads the jar on the event loop and nothing is unpacked to disk. Each answer forbids inline and
 * foreign scripts ({@code Content-Security-Policy}), content sniffing and framing, and is revalidated by its ETag
 * before the browser reuses it, so that an upgraded server's console is seen at once. Handlers run on the API
 * server's event loop.
 */
final class ConsoleFiles {
    /** The page's own files only; the API it calls is on the same origin; no frame, form target or base elsewhere. */
    private static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "connect-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
    private static final String FOLDER = "console/";
    private static final String INDEX = "index.html";
    /** Every file of the folder: one added there is served once it is named here. */
    private static final List<String> FILES = List.of(INDEX, "console.css", "console.js", "api.js", "dom.js",
            "event-stream.js", "latest.js", "gateways.js", "devices.js", "events.js", "doctor.js");
    private static final Map<String, String> TYPES = Map.of("html", "text/html; charset=utf-8",
            "css", "text/css; charset=utf-8", "js", "text/javascript; charset=utf-8");

    private record Asset(Buffer content, String type, String etag) {
    }

    private final Map<String, Asset> files;

    private ConsoleFiles(Map<String, Asset> files) {
        this.files = files;
    }

    /** Reads the console's files from the class path; an {@link UncheckedIOException} when one is missing. */
    static ConsoleFiles load() {
        Map<String, Asset> files = new LinkedHashMap<>();
        for (String name : FILES) {
            byte[] content = read(FOLDER + name);
            String type = TYPES.get(name.substring(name.lastIndexOf('.') + 1));
            files.put(name, new Asset(Buffer.buffer(content), type, etag(content)));
        }
        return new ConsoleFiles(files);
    }

    /** Serves the console at {@code /console} (and {@code /console/}) and its files under {@code /console/}. */
    void mount(Router router) {
        router.get("/console").handler(ctx -> send(ctx, files.get(INDEX)));
        router.get("/console/").handler(ctx -> send(ctx, files.get(INDEX)));
        router.get("/console/:file").handler(ctx -> {
            Asset file = files.get(ctx.pathParam("file"));
            if (file == null) {
                headers(ctx.response()).setStatusCode(404).putHeader("Content-Type", "text/plain; charset=utf-8")
                        .end("no such console file");
            } else {
                send(ctx, file);
            }
        });
    }

    private static void send(RoutingContext ctx, Asset file) {
        HttpServerResponse response = headers(ctx.response()).putHeader("ETag", file.etag());
        if (file.etag().equals(ctx.request().getHeader("If-None-Match"))) {
            response.setStatusCode(304).end();
        } else {
            response.putHeader("Content-Type", file.type()).end(file.content());
        }
    }

    private static HttpServerResponse headers(HttpServerResponse response) {
        return response.putHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                .putHeader("X-Content-Type-Options", "nosniff")
                .putHeader("X-Frame-Options", "DENY")
                .putHeader("Referrer-Policy", "no-referrer")
                .putHeader("Cache-Control", "no-cache");
    }

    private static byte[] read(String resource) {
        try (InputStream in = ConsoleFiles.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new UncheckedIOException(new IOException("the jar has no " + resource));
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A strong validator: the first 16 hex digits of the content's SHA-256, quoted (RFC 9110 section 8.8.3). */
    private static String etag(byte[] content) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(content);
            return '"' + HexFormat.of().formatHex(digest, 0, 8) + '"';
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
