package net.lorawanns.config;

import java.nio.file.Path;

/**
 * One {@code [[join_server.certificates]]} entry, in ChirpStack's form: the TLS settings for the join servers that DNS
 * finds for a JoinEUI or JoinEUI range. The most specific entry wins; it replaces the {@code [join_server.default]}
 * TLS files for those servers.
 *
 * @param joinEui one JoinEUI ({@code 70B3D57ED0001234}) or a range ({@code 70B3D57ED0000000/40})
 * @param caCert a CA certificate (PEM) added to the trusted roots; empty = the system's roots only
 * @param tlsCert our client certificate (PEM); empty = none
 * @param tlsKey its private key (PEM)
 */
public record JoinServerCertificate(String joinEui, String caCert, String tlsCert, String tlsKey) {
    public JoinServerCertificate {
        if (joinEui == null || joinEui.isEmpty()) {
            throw new InvalidSettingException("join_eui", "is required (a JoinEUI or a prefix such as 70B3D57ED0000000/40)");
        }
        joinEui = Check.euiPrefix("join_eui", joinEui);
        Path ca = Check.file("ca_cert", caCert);
        Path cert = Check.file("tls_cert", tlsCert);
        Path key = Check.file("tls_key", tlsKey);
        if ((cert == null) != (key == null)) {
            throw new InvalidSettingException(cert == null ? "tls_cert" : "tls_key", "tls_cert and tls_key go together");
        }
        caCert = ca == null ? "" : ca.toString();
        tlsCert = cert == null ? "" : cert.toString();
        tlsKey = key == null ? "" : key.toString();
    }
}
