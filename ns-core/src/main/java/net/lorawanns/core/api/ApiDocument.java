package net.lorawanns.core.api;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.contract.OpenAPIContract;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The API's OpenAPI 3.1 document, hand-written in {@code openapi/lorawan-ns.json}: the source of the API's routes and
 * of the validation of their parameters and bodies ({@link ApiOperations}), served as it is at {@link #PATH}.
 */
public final class ApiDocument {
    public static final String PATH = "/api/v1/openapi.json";
    private static final String RESOURCE = "/openapi/lorawan-ns.json";
    private static final Buffer TEXT = read();

    private ApiDocument() {
    }

    /** The document's text, as served. */
    public static Buffer text() {
        return TEXT.copy();
    }

    /** The document parsed, its references resolved and checked against the OpenAPI 3.1 schema (on a worker thread). */
    public static Future<OpenAPIContract> contract(Vertx vertx) {
        return OpenAPIContract.from(vertx, new JsonObject(TEXT));
    }

    private static Buffer read() {
        try (InputStream in = ApiDocument.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the class path");
            }
            return Buffer.buffer(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
