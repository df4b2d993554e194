package net.lorawanns.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/** Reads the TOML configuration into {@link Settings}; every failure is a {@link ConfigException} naming its key. */
public final class ConfigLoader {
    private final TomlMapper mapper;

    /** A loader that expands {@code ${NAME}} from the process environment. */
    public ConfigLoader() {
        this(System::getenv);
    }

    public ConfigLoader(UnaryOperator<String> env) {
        EnvExpander expander = new EnvExpander(env);
        SimpleModule module = new SimpleModule("lorawan-ns-config");
        module.addDeserializer(String.class, new Expanding<>(String.class, expander, Function.identity()));
        module.addDeserializer(Secret.class, new Expanding<>(Secret.class, expander, Secret::new));
        module.addDeserializer(Duration.class, new Expanding<>(Duration.class, expander, Durations::parse));
        mapper = TomlMapper.builder()
                .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .addModule(module)
                .build();
        // A number where text is expected (or the reverse) is a mistake, not something to coerce.
        mapper.coercionConfigFor(LogicalType.Textual)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        mapper.coercionConfigFor(LogicalType.Integer)
                .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        mapper.coercionConfigFor(LogicalType.Boolean)
                .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
    }

    public Settings load(Path file) throws ConfigException {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException("", "configuration file " + file + " does not exist");
        } catch (IOException e) {
            throw new ConfigException("", "cannot read configuration file " + file + ": " + e.getMessage());
        }
        return parse(text);
    }

    public Settings parse(String toml) throws ConfigException {
        if (toml.isBlank()) {
            return Settings.DEFAULTS;
        }
        try {
            return mapper.readValue(toml, Settings.class);
        } catch (JsonProcessingException e) {
            throw translate(e);
        }
    }

    private static ConfigException translate(JsonProcessingException e) {
        String path = e instanceof JsonMappingException mapping ? path(mapping) : "";
        InvalidSettingException invalid = find(e, InvalidSettingException.class);
        if (invalid != null) {
            String key = join(path, invalid.key());
            return new ConfigException(key, invalid.getMessage());
        }
        if (e instanceof UnrecognizedPropertyException unknown) {
            return new ConfigException(path, "unknown key" + known(unknown.getKnownPropertyIds()) + line(e));
        }
        if (e instanceof MismatchedInputException mismatch) {
            IllegalArgumentException cause = find(e, IllegalArgumentException.class);
            String why = cause != null ? cause.getMessage() : "expected " + describe(mismatch.getTargetType());
            return new ConfigException(path, why + line(e));
        }
        if (!(e instanceof JsonMappingException)) {
            return new ConfigException(path, "TOML syntax error" + line(e) + ": " + e.getOriginalMessage());
        }
        return new ConfigException(path, e.getOriginalMessage() + line(e));
    }

    private static String path(JsonMappingException e) {
        StringBuilder out = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                if (!out.isEmpty()) {
                    out.append('.');
                }
                out.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                out.append('[').append(ref.getIndex()).append(']');
            }
        }
        return out.toString();
    }

    private static String join(String path, String key) {
        if (key.isEmpty()) {
            return path;
        }
        return path.isEmpty() ? key : path + "." + key;
    }

    private static String known(Collection<Object> ids) {
        if (ids == null || ids.isEmpty()) {
            return "";
        }
        TreeSet<String> names = new TreeSet<>();
        ids.forEach(id -> names.add(String.valueOf(id)));
        return " (known here: " + String.join(", ", names) + ")";
    }

    private static String line(JsonProcessingException e) {
        JsonLocation location = e.getLocation();
        return location == null || location.getLineNr() < 1 ? "" : " (line " + location.getLineNr() + ")";
    }

    private static String describe(Class<?> type) {
        if (type == null) {
            return "another type";
        }
        if (type == String.class || type == Secret.class) {
            return "a string";
        }
        if (type == Integer.class || type == Long.class || type == int.class || type == long.class) {
            return "an integer";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (Collection.class.isAssignableFrom(type)) {
            return "an array";
        }
        return "a table";
    }

    private static <T extends Throwable> T find(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    /** Reads a TOML string, expands {@code ${NAME}} in it, and converts it to the target type. */
    private static final class Expanding<T> extends JsonDeserializer<T> {
        private final Class<T> type;
        private final EnvExpander expander;
        private final Function<String, T> convert;

        Expanding(Class<T> type, EnvExpander expander, Function<String, T> convert) {
            this.type = type;
            this.expander = expander;
            this.convert = convert;
        }

        @Override
        public T deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken() != JsonToken.VALUE_STRING) {
                return type.cast(ctxt.handleUnexpectedToken(type, p));
            }
            String value = expander.expand(p.getText());
            try {
                return convert.apply(value);
            } catch (IllegalArgumentException e) {
                if (e instanceof InvalidSettingException) {
                    throw e;
                }
                throw MismatchedInputException.from(p, type, e.getMessage());
            }
        }
    }
}
