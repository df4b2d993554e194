package net.lorawanns.core.api;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.OutputUnit;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.ValidatorErrorType;
import io.vertx.openapi.validation.ValidatorException;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Answers a request the API document refused (Vert.x's OpenAPI validation) with the API's JSON error, 400 and
 * {@code {"error": "<where>.<field>: <problem>"}}: {@code body.f_port: must be <= 223},
 * {@code path.devEui: does not match ^[0-9A-Fa-f]{16}$}, {@code query.limit: must be a whole number, got string},
 * {@code body.abp.app_s_key: is required}; a body of another Content-Type than the operation's is 415. The problem is
 * told from the schema, never from the value given (a refused field may hold a key). Any other failure of a route is
 * answered as {@link RestApi#failed}, a bare status by the router's error handlers. Runs on the API server's event loop.
 */
final class ApiValidationErrors {
    /** Keywords that only say that something inside failed: the error inside names the field and the problem. */
    private static final Set<String> WRAPPERS = Set.of("properties", "items", "prefixItems", "$ref", "$dynamicRef",
            "allOf", "anyOf", "oneOf", "then", "else", "patternProperties", "unevaluatedProperties");
    /** The parameter a message of the validator is about: its place ({@code path}, {@code query}...) and name. */
    private static final Pattern PARAMETER = Pattern.compile("(path|query|header|cookie) parameter (\\S+?)\\.?( |$)");
    private static final Pattern BOUND = Pattern.compile("(?:than|to) (\\S+)$");
    private static final Pattern COUNT = Pattern.compile("[<>] (\\d+)\\)");
    private static final Pattern EXPECTED = Pattern.compile("^Instance type (\\S+) is invalid\\. Expected (.+)$");
    private static final int MAX_SHOWN_TYPE = 100;
    private static final Pattern REQUIRED = Pattern.compile("required property \"(.*)\"$");

    /** How vertx-openapi's validator starts the message of a value it cannot URL-decode. */
    private static final String UNDECODABLE = "Can't decode URL value: ";

    private ApiValidationErrors() {
    }

    static void answer(RoutingContext ctx) {
        Throwable failure = ctx.failure();
        if (failure instanceof HttpException http && http.getCause() instanceof ValidatorException refused) {
            failure = refused;
        }
        if (failure instanceof ValidatorException refused) {
            int status = refused.type() == ValidatorErrorType.UNSUPPORTED_VALUE_FORMAT
                    && !PARAMETER.matcher(refused.getMessage()).find() ? 415 : 400;
            Operation operation = ctx.currentRoute() == null ? null
                    : ctx.currentRoute().getMetadata(RouterBuilder.KEY_META_DATA_OPERATION);
            RestApi.error(ctx, status, undecodableQuery(ctx, refused).orElseGet(() -> describe(refused, operation,
                    ctx.request().getHeader("Content-Type"))));
        } else if (failure != null) {
            RestApi.failed(ctx, failure);
        } else {
            ctx.next(); // a status without a cause (413 from the body limit): the router's error handler answers it
        }
    }

    /**
     * The query parameter whose value the validator could not decode. It decodes query values once more after the
     * router has (a literal {@code %}, sent as {@code %25}, then fails) and names no parameter: it is found by its value.
     */
    private static Optional<String> undecodableQuery(RoutingContext ctx, ValidatorException refused) {
        String message = refused.getMessage() == null ? "" : refused.getMessage();
        if (refused.type() != ValidatorErrorType.ILLEGAL_VALUE || !message.startsWith(UNDECODABLE)) {
            return Optional.empty();
        }
        String value = message.substring(UNDECODABLE.length());
        return ctx.queryParams().entries().stream().filter(entry -> entry.getValue().equals(value)).findFirst()
                .map(entry -> "query." + entry.getKey() + ": must not hold '%' (the API's values never do)");
    }

    /** What is wrong, naming the parameter or field: {@code <where>.<name>: <problem>}. */
    private static String describe(ValidatorException refused, Operation operation, String contentType) {
        String message = refused.getMessage() == null ? "" : refused.getMessage();
        Matcher parameter = PARAMETER.matcher(message);
        String name = parameter.find() ? parameter.group(2) : null;
        String where = name == null ? "body" : parameter.group(1) + "." + name;
        if (refused instanceof SchemaValidationException invalid && invalid.getOutputUnit() != null) {
            return describe(where, invalid.getOutputUnit(), schema(operation, name));
        }
        return switch (refused.type()) {
            case MISSING_REQUIRED_PARAMETER -> where + (where.equals("body") ? ": is required (a JSON object)"
                    : ": is required");
            case UNSUPPORTED_VALUE_FORMAT -> where.equals("body") ? "Content-Type: must be application/json, got "
                    + mediaType(contentType) : where + ": this form is not supported";
            case INVALID_VALUE_FORMAT -> where + ": is not in the form the API document gives";
            case ILLEGAL_VALUE -> where + (where.equals("body") ? ": is not valid JSON" : ": cannot be URL-decoded");
            default -> where + ": is refused by the API document";
        };
    }

    /** The media type given, without its parameters; curl sends a form's type with {@code -d} unless told. */
    private static String mediaType(String contentType) {
        if (contentType == null) {
            return "none";
        }
        String type = contentType.split(";", 2)[0].trim();
        String shown = type.length() > MAX_SHOWN_TYPE ? type.substring(0, MAX_SHOWN_TYPE) + "..." : type;
        return type.equalsIgnoreCase("application/x-www-form-urlencoded") ? shown + " (curl -d sends it unless "
                + "given -H 'Content-Type: application/json')" : shown;
    }

    private static String describe(String where, OutputUnit result, Optional<JsonObject> schema) {
        List<OutputUnit> errors = result.getErrors() == null || result.getErrors().isEmpty() ? List.of(result)
                : result.getErrors();
        OutputUnit cause = errors.stream().filter(error -> !WRAPPERS.contains(keyword(error)))
                .max(Comparator.comparingInt(error -> depth(error.getInstanceLocation())))
                .orElse(errors.get(errors.size() - 1));
        String keyword = keyword(cause);
        String field = where + name(cause.getInstanceLocation());
        String error = cause.getError() == null ? "" : cause.getError();
        return switch (keyword) {
            case "type" -> field + ": must be " + expected(error);
            case "required" -> field + property(REQUIRED, error) + ": is required";
            case "additionalProperties" -> field + ": unknown field";
            case "minimum" -> field + ": must be >= " + group(BOUND, error);
            case "exclusiveMinimum" -> field + ": must be > " + group(BOUND, error);
            case "maximum" -> field + ": must be <= " + group(BOUND, error);
            case "exclusiveMaximum" -> field + ": must be < " + group(BOUND, error);
            case "minLength" -> field + ": must be at least " + group(COUNT, error) + " characters";
            case "maxLength" -> field + ": must be at most " + group(COUNT, error) + " characters";
            case "minItems" -> field + ": must have at least " + group(COUNT, error) + " items";
            case "maxItems" -> field + ": must have at most " + group(COUNT, error) + " items";
            case "pattern" -> field + ": does not match " + schema.flatMap(root -> at(root, cause.getInstanceLocation()))
                    .map(node -> node.getValue("pattern")).orElse("the API document's pattern");
            case "enum", "const" -> field + ": must be one of " + error.substring(error.indexOf(" of ") + 4);
            default -> field + ": " + error;
        };
    }

    private static String keyword(OutputUnit error) {
        String location = error.getKeywordLocation() == null ? "" : error.getKeywordLocation();
        return location.substring(location.lastIndexOf('/') + 1);
    }

    private static int depth(String pointer) {
        return segments(pointer).size();
    }

    /** A JSON pointer as the API names fields: {@code /devices/3/dev_eui} is {@code .devices[3].dev_eui}. */
    private static String name(String pointer) {
        StringBuilder name = new StringBuilder();
        for (String segment : segments(pointer)) {
            String unescaped = segment.replace("~1", "/").replace("~0", "~");
            name.append(unescaped.chars().allMatch(Character::isDigit) && !unescaped.isEmpty() ? "[" + unescaped + "]"
                    : "." + unescaped);
        }
        return name.toString();
    }

    /** The segments of an instance location, a JSON pointer that the validator may write as a fragment ({@code #/a}). */
    private static List<String> segments(String pointer) {
        String path = pointer == null ? "" : pointer.startsWith("#") ? pointer.substring(1) : pointer;
        return List.of(path.split("/")).stream().filter(segment -> !segment.isEmpty()).toList();
    }

    private static String property(Pattern pattern, String error) {
        Matcher matcher = pattern.matcher(error);
        return matcher.find() ? "." + matcher.group(1) : "";
    }

    private static String group(Pattern pattern, String error) {
        Matcher matcher = pattern.matcher(error);
        return matcher.find() ? matcher.group(1) : "the document's bound";
    }

    private static String expected(String error) {
        Matcher matcher = EXPECTED.matcher(error);
        if (!matcher.find()) {
            return "of another type";
        }
        return String.join(" or ", List.of(matcher.group(2).split(", ")).stream().map(ApiValidationErrors::article)
                .toList()) + ", got " + article(matcher.group(1));
    }

    private static String article(String type) {
        return switch (type.trim()) {
            case "integer" -> "a whole number";
            case "number" -> "a number";
            case "string" -> "a string";
            case "boolean" -> "true or false";
            case "object" -> "a JSON object";
            case "array" -> "a JSON array";
            case "null" -> "null";
            default -> type;
        };
    }

    /** The schema of the refused parameter {@code name}, or of the JSON body when {@code name} is null. */
    private static Optional<JsonObject> schema(Operation operation, String name) {
        if (operation == null) {
            return Optional.empty();
        }
        if (name != null) {
            return operation.getParameters().stream().filter(parameter -> parameter.getName().equals(name))
                    .findFirst().map(parameter -> json(parameter.getSchema()));
        }
        return Optional.ofNullable(operation.getRequestBody()).map(body -> body.getContent().get("application/json"))
                .map(type -> json(type.getSchema()));
    }

    private static JsonObject json(JsonSchema schema) {
        return schema instanceof JsonObject object ? object : null;
    }

    /** The (resolved) schema of the value at {@code pointer} in a value of {@code root}. */
    private static Optional<JsonObject> at(JsonObject root, String pointer) {
        JsonObject node = root;
        for (String segment : segments(pointer)) {
            String key = segment.replace("~1", "/").replace("~0", "~");
            JsonObject properties = node.getValue("properties") instanceof JsonObject p ? p : new JsonObject();
            Object next = properties.containsKey(key) ? properties.getValue(key)
                    : node.containsKey("items") ? node.getValue("items") : node.getValue("additionalProperties");
            if (!(next instanceof JsonObject child)) {
                return Optional.empty();
            }
            node = child;
        }
        return Optional.of(node);
    }
}
