package net.lorawanns.config;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;

/** Writes the effective configuration as TOML, with every secret and URL password masked. */
public final class ConfigWriter {
    private final TomlMapper mapper;

    public ConfigWriter() {
        SimpleModule module = new SimpleModule("lorawan-ns-config-writer");
        module.addSerializer(Secret.class, new JsonSerializer<>() {
            @Override
            public void serialize(Secret value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
                gen.writeString(value.isEmpty() ? "" : Secret.MASK);
            }
        });
        module.addSerializer(Duration.class, new JsonSerializer<>() {
            @Override
            public void serialize(Duration value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
                gen.writeString(Durations.format(value));
            }
        });
        module.addSerializer(RedisSettings.class, new JsonSerializer<>() {
            @Override
            public void serialize(RedisSettings value, JsonGenerator gen, SerializerProvider serializers)
                    throws IOException {
                gen.writeStartObject();
                gen.writeArrayFieldStart("servers");
                for (String server : value.maskedServers()) {
                    gen.writeString(server);
                }
                gen.writeEndArray();
                gen.writeStringField("mode", value.mode());
                gen.writeStringField("master_name", value.masterName());
                gen.writeStringField("key_prefix", value.keyPrefix());
                gen.writeNumberField("min_replicas_acked", value.minReplicasAcked());
                gen.writeStringField("replica_ack_timeout", Durations.format(value.replicaAckTimeout()));
                gen.writeEndObject();
            }
        });
        mapper = TomlMapper.builder()
                .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .addModule(module)
                .build();
    }

    public String toToml(Settings settings) {
        try {
            return mapper.writeValueAsString(settings);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
