package net.lorawanns.config;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code [internal_js]}: the built-in join server.
 *
 * @param enabled serve joins for the JoinEUIs below
 * @param joinEuis JoinEUIs or prefixes ({@code 0000000000000000/0} = all) this join server answers for
 * @param bind {@code host:port} of its Backend Interfaces HTTPS endpoint; empty = in-process only
 * @param tlsCert server certificate (PEM), required with bind
 * @param tlsKey server private key (PEM), required with bind
 * @param clientCaCert CA (PEM) of the client certificates it accepts, required with bind
 * @param masterKey AES-128 key that encrypts root keys at rest; use {@code ${ENV}} to keep it out of the file
 * @param masterKeyId identifies the master key in stored records, so that it can be rotated
 * @param nsKekLabel label of the KEK that wraps network session keys for the network server
 * @param asKekLabel label of the KEK that wraps the AppSKey for the application server
 * @param kek the KEKs by label
 */
public record InternalJsSettings(Boolean enabled, List<String> joinEuis, String bind, String tlsCert, String tlsKey,
                                 String clientCaCert, Secret masterKey, String masterKeyId, String nsKekLabel,
                                 String asKekLabel, List<KekSettings> kek) {
    public static final InternalJsSettings DEFAULTS = new InternalJsSettings(null, null, null, null, null, null, null,
            null, null, null, null);

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
        clientCaCert = text(Check.file("client_ca_cert", clientCaCert));
        if (!bind.isEmpty()) {
            for (String[] required : new String[][] {{"tls_cert", tlsCert}, {"tls_key", tlsKey},
                    {"client_ca_cert", clientCaCert}}) {
                if (required[1].isEmpty()) {
                    throw new InvalidSettingException(required[0], "is required when bind is set (the Backend "
                            + "Interfaces endpoint only speaks mutual TLS)");
                }
            }
        }
        masterKey = Check.aesKey("master_key", masterKey);
        masterKeyId = Check.or(masterKeyId, "1");
        if (masterKeyId.isBlank()) {
            throw new InvalidSettingException("master_key_id", "must not be blank");
        }
        nsKekLabel = Check.or(nsKekLabel, "");
        asKekLabel = Check.or(asKekLabel, "");
        kek = JoinServerSettings.uniqueLabels("kek", Check.list(kek));
        for (String[] label : new String[][] {{"ns_kek_label", nsKekLabel}, {"as_kek_label", asKekLabel}}) {
            String wanted = label[1];
            if (!wanted.isEmpty() && kek.stream().noneMatch(k -> k.label().equals(wanted))) {
                throw new InvalidSettingException(label[0], "no [[internal_js.kek]] has label '" + wanted + "'");
            }
        }
    }

    private static String text(java.nio.file.Path path) {
        return path == null ? "" : path.toString();
    }
}
