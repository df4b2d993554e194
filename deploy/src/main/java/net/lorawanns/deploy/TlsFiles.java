package net.lorawanns.deploy;

import io.vertx.core.Vertx;
import java.util.List;
import net.lorawanns.config.ConfigException;
import net.lorawanns.config.InvalidSettingException;
import net.lorawanns.config.JoinServerCertificate;
import net.lorawanns.config.JoinServerEntry;
import net.lorawanns.config.JoinServerSettings;
import net.lorawanns.config.Settings;
import net.lorawanns.core.http.PemKeyPair;

/**
 * For {@code config check}: every certificate and private key the configuration names is read and checked to belong
 * together, as start-up does, so that a wrong pair is found before a restart rather than by it.
 */
final class TlsFiles {
    private TlsFiles() {
    }

    /** Throws a {@link ConfigException} naming the key of the first pair that cannot be used. */
    static void check(Settings settings) throws ConfigException {
        Vertx vertx = Vertx.vertx();
        try {
            if (settings.api().tls()) {
                pair(vertx, "api.", settings.api().tlsCert(), settings.api().tlsKey());
            }
            if (settings.internalJs().enabled() && !settings.internalJs().bind().isEmpty()) {
                pair(vertx, "internal_js.", settings.internalJs().tlsCert(), settings.internalJs().tlsKey());
            }
            JoinServerSettings js = settings.joinServer();
            if (!js.asyncBind().isEmpty()) {
                pair(vertx, "join_server.async_", js.asyncTlsCert(), js.asyncTlsKey());
            }
            List<JoinServerEntry> servers = js.servers();
            for (int i = 0; i < servers.size(); i++) {
                pair(vertx, "join_server.servers[" + i + "].", servers.get(i).tlsCert(), servers.get(i).tlsKey());
            }
            List<JoinServerCertificate> certificates = js.certificates();
            for (int i = 0; i < certificates.size(); i++) {
                pair(vertx, "join_server.certificates[" + i + "].", certificates.get(i).tlsCert(),
                        certificates.get(i).tlsKey());
            }
            pair(vertx, "join_server.default.", js.defaultServer().tlsCert(), js.defaultServer().tlsKey());
        } finally {
            vertx.close();
        }
    }

    private static void pair(Vertx vertx, String prefix, String cert, String key) throws ConfigException {
        if (cert.isEmpty()) {
            return;
        }
        try {
            PemKeyPair.load(vertx, prefix + "tls_cert", cert, prefix + "tls_key", key);
        } catch (InvalidSettingException e) {
            throw new ConfigException(e.key(), e.getMessage());
        }
    }
}
