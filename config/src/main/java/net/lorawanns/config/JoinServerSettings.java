package net.lorawanns.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code [join_server]}: how the network server finds the join server of a JoinEUI.
 *
 * @param resolveJoinEui look JoinEUIs up in DNS (Backend Interfaces 1.0 section 19) when no static entry matches
 * @param resolveDomainSuffix the DNS suffix under which JoinEUI names live
 * @param dnsResolver {@code host:port} of the DNS server; empty = the system's
 * @param dnsNegativeCache how long a JoinEUI that DNS does not resolve goes to the default without asking again
 * @param dnsCacheSize how many JoinEUIs' DNS answers are kept (found servers and "none" each up to this many; the
 *                     least recently used goes first)
 * @param allowHttp use join servers that DNS names with an {@code LWN} (plain HTTP) record; off: only {@code LWNS}
 * @param certificates per-JoinEUI TLS settings for the join servers DNS finds
 * @param nsId this network server's NSID, sent as SenderNSID in Backend Interfaces 1.1; empty = not sent
 * @param servers static entries, tried first
 * @param defaultServer used when nothing else matches; its empty server means the internal join server
 * @param kek KEKs by label, to unwrap the session keys join servers send
 * @param asyncBind {@code host:port} where join servers in async mode POST their JoinAns; empty = no async mode
 * @param asyncTlsCert our server certificate (PEM) for asyncBind
 * @param asyncTlsKey its private key (PEM)
 * @param asyncClientCaCert the CA (PEM) of the client certificates join servers answer with
 */
public record JoinServerSettings(Boolean resolveJoinEui, String resolveDomainSuffix, String dnsResolver,
                                 java.time.Duration dnsNegativeCache, Integer dnsCacheSize, Boolean allowHttp,
                                 List<JoinServerCertificate> certificates, String nsId, List<JoinServerEntry> servers,
                                 @com.fasterxml.jackson.annotation.JsonProperty("default") JoinServerEntry defaultServer,
                                 List<KekSettings> kek, String asyncBind, String asyncTlsCert, String asyncTlsKey,
                                 String asyncClientCaCert) {
    public static final JoinServerSettings DEFAULTS = new JoinServerSettings(null, null, null, null, null, null, null,
            null, null, null, null, null, null, null, null);

    public JoinServerSettings {
        resolveJoinEui = Check.or(resolveJoinEui, false);
        resolveDomainSuffix = Check.or(resolveDomainSuffix, "joineuis.lora-alliance.org");
        if (resolveDomainSuffix.isBlank() || resolveDomainSuffix.contains(" ")) {
            throw new InvalidSettingException("resolve_domain_suffix", "must be a DNS name, got '" + resolveDomainSuffix + "'");
        }
        dnsResolver = dnsResolver == null || dnsResolver.isEmpty() ? "" : Check.hostPort("dns_resolver", dnsResolver);
        dnsNegativeCache = Check.or(dnsNegativeCache, java.time.Duration.ofSeconds(60));
        if (dnsNegativeCache.isNegative()) {
            throw new InvalidSettingException("dns_negative_cache", "must not be negative");
        }
        dnsCacheSize = Check.range("dns_cache_size", Check.or(dnsCacheSize, 10_000), 1, 10_000_000);
        allowHttp = Check.or(allowHttp, false);
        certificates = Check.list(certificates);
        nsId = Check.or(nsId, "");
        List<JoinServerEntry> entries = new ArrayList<>();
        List<JoinServerEntry> given = Check.list(servers);
        for (int i = 0; i < given.size(); i++) {
            try {
                entries.add(JoinServerEntry.validated(given.get(i), false));
            } catch (InvalidSettingException e) {
                throw new InvalidSettingException("servers[" + i + "]." + e.key(), e.getMessage());
            }
        }
        servers = List.copyOf(entries);
        try {
            defaultServer = JoinServerEntry.validated(defaultServer, true);
        } catch (InvalidSettingException e) {
            throw new InvalidSettingException("default." + e.key(), e.getMessage());
        }
        kek = uniqueLabels("kek", Check.list(kek));
        asyncBind = asyncBind == null || asyncBind.isEmpty() ? "" : Check.hostPort("async_bind", asyncBind);
        asyncTlsCert = path(Check.file("async_tls_cert", asyncTlsCert));
        asyncTlsKey = path(Check.file("async_tls_key", asyncTlsKey));
        asyncClientCaCert = path(Check.file("async_client_ca_cert", asyncClientCaCert));
        if (!asyncBind.isEmpty()) {
            for (String[] required : new String[][] {{"async_tls_cert", asyncTlsCert}, {"async_tls_key", asyncTlsKey},
                    {"async_client_ca_cert", asyncClientCaCert}}) {
                if (required[1].isEmpty()) {
                    throw new InvalidSettingException(required[0], "is required with async_bind (join servers answer "
                            + "over mutual TLS)");
                }
            }
        }
        for (int i = 0; i < servers.size(); i++) {
            if (servers.get(i).async() && asyncBind.isEmpty()) {
                throw new InvalidSettingException("servers[" + i + "].async", "needs join_server.async_bind, where the "
                        + "join server sends its answer");
            }
        }
    }

    private static String path(java.nio.file.Path file) {
        return file == null ? "" : file.toString();
    }

    static List<KekSettings> uniqueLabels(String key, List<KekSettings> keks) {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < keks.size(); i++) {
            if (!seen.add(keks.get(i).label())) {
                throw new InvalidSettingException(key + "[" + i + "].label", "duplicate label '" + keks.get(i).label() + "'");
            }
        }
        return keks;
    }
}
