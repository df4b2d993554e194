package net.lorawanns.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import net.lorawanns.config.RedisSettings;
import net.lorawanns.core.testing.TestRedis;

/** The configuration of a server that tests drive through its API: the tests' Redis, free ports, one admin key. */
final class ApiTestServers {
    private ApiTestServers() {
    }

    /**
     * Writes it to {@code file}; {@code apiLines} are added to its {@code [api]} table (e.g. the TLS files).
     */
    static Path config(Path file, String masterKey, String adminKey, String apiLines) throws IOException {
        RedisSettings redis = TestRedis.settings();
        return Files.writeString(file, """
                [logging]
                level = "warn"
                [network]
                start_up_warm_up = "0s"
                [redis]
                servers = ["%s"]
                key_prefix = "%s"
                [gateway.udp]
                bind = "127.0.0.1:0"
                [internal_js]
                master_key = "%s"
                [api]
                bind = "127.0.0.1:0"
                api_keys = ["%s"]
                %s
                [metrics]
                bind = "127.0.0.1:0"
                """.formatted(redis.servers().get(0), redis.keyPrefix(), masterKey, adminKey, apiLines));
    }
}
