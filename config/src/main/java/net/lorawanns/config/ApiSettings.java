package net.lorawanns.config;

import java.nio.file.Path;
import java.util.List;

/**
 * {@code [api]}: the REST API.
 *
 * @param bind {@code host:port} to listen on
 * @param apiKeys bearer tokens that may use the API; with none, the API answers no request
 * @param webhookAllowedNetworks networks (CIDR) that webhooks may reach although they are loopback, private,
 *        link-local or otherwise not public; by default webhooks reach public addresses only
 * @param tlsCert the API's server certificate (PEM); empty = plain HTTP
 * @param tlsKey its private key (PEM); set together with {@code tlsCert}
 */
public record ApiSettings(String bind, List<Secret> apiKeys, List<String> webhookAllowedNetworks, String tlsCert,
                          String tlsKey) {
    public static final ApiSettings DEFAULTS = new ApiSettings(null, null, null, null, null);

    public ApiSettings {
        bind = Check.hostPort("bind", Check.or(bind, "127.0.0.1:8090"));
        apiKeys = Check.list(apiKeys);
        for (int i = 0; i < apiKeys.size(); i++) {
            if (apiKeys.get(i).reveal().length() < 16) {
                throw new InvalidSettingException("api_keys[" + i + "]", "must be at least 16 characters (value not shown)");
            }
        }
        webhookAllowedNetworks = Check.list(webhookAllowedNetworks);
        for (int i = 0; i < webhookAllowedNetworks.size(); i++) {
            try {
                Cidr.parse(webhookAllowedNetworks.get(i));
            } catch (IllegalArgumentException e) {
                throw new InvalidSettingException("webhook_allowed_networks[" + i + "]", e.getMessage());
            }
        }
        Path cert = Check.file("tls_cert", tlsCert);
        Path key = Check.file("tls_key", tlsKey);
        if ((cert == null) != (key == null)) {
            throw new InvalidSettingException(cert == null ? "tls_cert" : "tls_key", "tls_cert and tls_key go together");
        }
        tlsCert = cert == null ? "" : cert.toString();
        tlsKey = key == null ? "" : key.toString();
    }

    /** Whether the API listens with TLS ({@code tls_cert} and {@code tls_key} set). */
    public boolean tls() {
        return !tlsCert.isEmpty();
    }
}
