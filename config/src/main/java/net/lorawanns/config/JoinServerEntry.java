package net.lorawanns.config;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One {@code [[join_server.servers]]} entry, or {@code [join_server.default]}.
 *
 * @param joinEui the exact JoinEUI this entry serves (or use joinEuiPrefix)
 * @param joinEuiPrefix a JoinEUI range, {@code 70B3D57ED0000000/40}; the most specific entry wins
 * @param server the Backend Interfaces endpoint URL; for the default entry, empty = the internal join server
 * @param caCert a CA certificate (PEM) added to the trusted roots for this server
 * @param tlsCert our client certificate (PEM) for mutual TLS
 * @param tlsKey the client certificate's private key (PEM)
 * @param timeout how long a JoinReq may take; it must leave the join-accept its RX1 slot (5 s)
 * @param protocolVersion Backend Interfaces version, 1.0 or 1.1
 * @param async the server answers with a later POST of its JoinAns to {@code join_server.async_bind}
 * @param headers extra HTTP headers of every request to the server (e.g. {@code Authorization}); their values are
 *                secrets, masked wherever the configuration is shown
 */
public record JoinServerEntry(String joinEui, String joinEuiPrefix, String server, String caCert, String tlsCert,
                              String tlsKey, Duration timeout, String protocolVersion, Boolean async,
                              Map<String, Secret> headers) {

    /** Validates an entry; {@code isDefault} relaxes the JoinEUI and server requirements. */
    static JoinServerEntry validated(JoinServerEntry raw, boolean isDefault) {
        JoinServerEntry entry = raw == null
                ? new JoinServerEntry(null, null, null, null, null, null, null, null, null, null) : raw;
        String joinEui = entry.joinEui == null ? "" : Check.hex("join_eui", entry.joinEui, 8);
        String prefix = entry.joinEuiPrefix == null ? "" : Check.euiPrefix("join_eui_prefix", entry.joinEuiPrefix);
        if (isDefault && (!joinEui.isEmpty() || !prefix.isEmpty())) {
            throw new InvalidSettingException("join_eui", "the default join server serves every other JoinEUI; remove it");
        }
        if (!isDefault && joinEui.isEmpty() == prefix.isEmpty()) {
            throw new InvalidSettingException("join_eui", "set exactly one of join_eui and join_eui_prefix");
        }
        String server = entry.server == null ? "" : entry.server;
        if (server.isEmpty() && !isDefault) {
            throw new InvalidSettingException("server", "is required");
        }
        if (!server.isEmpty()) {
            server = Check.url("server", server, Set.of("https", "http")).toString();
        }
        Path ca = Check.file("ca_cert", entry.caCert);
        Path cert = Check.file("tls_cert", entry.tlsCert);
        Path key = Check.file("tls_key", entry.tlsKey);
        if ((cert == null) != (key == null)) {
            throw new InvalidSettingException(cert == null ? "tls_cert" : "tls_key", "tls_cert and tls_key go together");
        }
        Duration timeout = Check.positive("timeout", Check.or(entry.timeout, Duration.ofSeconds(3)));
        if (timeout.compareTo(Duration.ofMillis(4500)) > 0) {
            throw new InvalidSettingException("timeout", "must leave the join-accept time for RX1 at 5 s; at most 4500ms, got "
                    + Durations.format(timeout));
        }
        String version = Check.or(entry.protocolVersion, "1.0");
        if (!version.equals("1.0") && !version.equals("1.1")) {
            throw new InvalidSettingException("protocol_version", "must be 1.0 or 1.1, got '" + version + "'");
        }
        boolean async = Check.or(entry.async, false);
        if (async && isDefault) {
            throw new InvalidSettingException("async", "is for static entries");
        }
        return new JoinServerEntry(joinEui, prefix, server, pathText(ca), pathText(cert), pathText(key), timeout, version,
                async, headers(entry.headers));
    }

    private static Map<String, Secret> headers(Map<String, Secret> given) {
        if (given == null) {
            return Map.of();
        }
        Map<String, Secret> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (Map.Entry<String, Secret> header : given.entrySet()) {
            String name = header.getKey();
            HttpHeaderFields.Problem problem = HttpHeaderFields.problem(name,
                    header.getValue() == null ? "" : header.getValue().reveal());
            if (problem == HttpHeaderFields.Problem.NOT_A_NAME) {
                throw new InvalidSettingException("headers", HttpHeaderFields.describe(name, problem));
            }
            if (problem != null) {
                throw new InvalidSettingException("headers." + name, HttpHeaderFields.describe(name, problem)
                        .substring(name.length() + 1));
            }
            if (headers.put(name, header.getValue()) != null) {
                throw new InvalidSettingException("headers." + name, "is given twice");
            }
        }
        return Collections.unmodifiableMap(headers);
    }

    private static String pathText(Path path) {
        return path == null ? "" : path.toString();
    }

    /**
     * The entry for servers DNS finds: its timeout and protocol version, none of its headers (a credential for the
     * configured server must not go to whichever server a DNS zone names).
     */
    public JoinServerEntry withoutHeaders() {
        return new JoinServerEntry(joinEui, joinEuiPrefix, server, caCert, tlsCert, tlsKey, timeout, protocolVersion,
                async, Map.of());
    }

    /** The default entry with an empty server means: use the internal join server. */
    @JsonIgnore
    public boolean isInternal() {
        return server.isEmpty();
    }
}
