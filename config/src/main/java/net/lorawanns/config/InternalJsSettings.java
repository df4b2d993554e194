package net.lorawanns.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code [internal_js]}: the built-in join server.
 *
 * @param enabled serve joins for the JoinEUIs below
 * @param joinEuis JoinEUIs or prefixes ({@code 0000000000000000/0} = all) this join server answers for
 * @param bind {@code host:port} of its Backend Interfaces HTTPS endpoint; empty = in-process only
 * @param tlsCert server certificate (PEM), required with bind
 * @param tlsKey server private key (PEM), required with bind
 * @param clients the peers allowed on the Backend Interfaces endpoint; at least one with bind
 * @param masterKey AES-128 key that seals every secret at rest (session keys, webhook headers, root keys), also
 *     when this join server is disabled; use {@code ${ENV}} to keep it out of the file
 * @param masterKeyId identifies the master key in stored records, so that it can be rotated
 * @param previousMasterKeys older master keys, still read; {@code keys rotate} re-encrypts their records
 * @param asKekLabel label of the KEK that wraps the AppSKey for this server's own application side
 * @param sessionLifetime the session Lifetime a JoinAns states; zero = no limit
 * @param kek the KEKs by label
 * @param auditRetention how long the join server's audit log keeps an entry
 */
public record InternalJsSettings(Boolean enabled, List<String> joinEuis, String bind, String tlsCert, String tlsKey,
                                 List<JsClientSettings> clients, Secret masterKey, String masterKeyId,
                                 List<MasterKeySettings> previousMasterKeys, String asKekLabel,
                                 java.time.Duration sessionLifetime, List<KekSettings> kek,
                                 java.time.Duration auditRetention) {
    /** A year: long enough to answer who claimed or moved a device over a device's typical service interval. */
    public static final java.time.Duration DEFAULT_AUDIT_RETENTION = java.time.Duration.ofDays(365);
    public static final InternalJsSettings DEFAULTS = new InternalJsSettings(null, null, null, null, null, null, null,
            null, null, null, null, null, null);

    public InternalJsSettings {
        enabled = Check.or(enabled, true);
        List<String> prefixes = new ArrayList<>();
        List<String> given = joinEuis == null ? List.of("0000000000000000/0") : joinEuis;
        for (int i = 0; i < given.size(); i++) {
            prefixes.add(Check.euiPrefix("join_euis[" + i + "]", given.get(i)));
        }
        joinEuis = List.copyOf(prefixes);
        bind = bind == null || bind.isEmpty() ? "" : Check.hostPort("bind", bind);
        tlsCert = text(Check.file("tls_cert", tlsCert));
        tlsKey = text(Check.file("tls_key", tlsKey));
        List<JsClientSettings> givenClients = Check.list(clients);
        Set<String> names = new HashSet<>();
        for (int i = 0; i < givenClients.size(); i++) {
            if (givenClients.get(i) == null || !names.add(givenClients.get(i).name())) {
                throw new InvalidSettingException("clients[" + i + "].name", "duplicate client name");
            }
        }
        clients = givenClients;
        if (!bind.isEmpty()) {
            for (String[] required : new String[][] {{"tls_cert", tlsCert}, {"tls_key", tlsKey}}) {
                if (required[1].isEmpty()) {
                    throw new InvalidSettingException(required[0], "is required when bind is set (the Backend "
                            + "Interfaces endpoint only speaks TLS)");
                }
            }
            if (clients.isEmpty()) {
                throw new InvalidSettingException("clients", "at least one [[internal_js.clients]] is required when "
                        + "bind is set (the endpoint only answers known client certificates)");
            }
        }
        masterKey = Check.aesKey("master_key", masterKey);
        masterKeyId = Check.or(masterKeyId, "1");
        if (masterKeyId.isBlank()) {
            throw new InvalidSettingException("master_key_id", "must not be blank");
        }
        previousMasterKeys = Check.list(previousMasterKeys);
        for (int i = 0; i < previousMasterKeys.size(); i++) {
            if (previousMasterKeys.get(i).id().equals(masterKeyId)) {
                throw new InvalidSettingException("previous_master_keys[" + i + "].id", "'" + masterKeyId
                        + "' is the current master_key_id");
            }
        }
        asKekLabel = Check.or(asKekLabel, "");
        sessionLifetime = Check.or(sessionLifetime, java.time.Duration.ZERO);
        if (sessionLifetime.isNegative()) {
            throw new InvalidSettingException("session_lifetime", "must not be negative");
        }
        kek = JoinServerSettings.uniqueLabels("kek", Check.list(kek));
        auditRetention = Check.positive("audit_retention", Check.or(auditRetention, DEFAULT_AUDIT_RETENTION));
        requireKek("as_kek_label", asKekLabel, kek);
        for (int i = 0; i < clients.size(); i++) {
            requireKek("clients[" + i + "].ns_kek_label", clients.get(i).nsKekLabel(), kek);
            requireKek("clients[" + i + "].as_kek_label", clients.get(i).asKekLabel(), kek);
        }
    }

    private static void requireKek(String key, String label, List<KekSettings> keks) {
        if (!label.isEmpty() && keks.stream().noneMatch(k -> k.label().equals(label))) {
            throw new InvalidSettingException(key, "no [[internal_js.kek]] has label '" + label + "'");
        }
    }

    private static String text(java.nio.file.Path path) {
        return path == null ? "" : path.toString();
    }
}
