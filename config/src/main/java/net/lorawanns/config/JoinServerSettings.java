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
 * @param servers static entries, tried first
 * @param defaultServer used when nothing else matches; its empty server means the internal join server
 * @param kek KEKs by label, to unwrap the session keys join servers send
 */
public record JoinServerSettings(Boolean resolveJoinEui, String resolveDomainSuffix, String dnsResolver,
                                 List<JoinServerEntry> servers,
                                 @com.fasterxml.jackson.annotation.JsonProperty("default") JoinServerEntry defaultServer,
                                 List<KekSettings> kek) {
    public static final JoinServerSettings DEFAULTS = new JoinServerSettings(null, null, null, null, null, null);

    public JoinServerSettings {
        resolveJoinEui = Check.or(resolveJoinEui, false);
        resolveDomainSuffix = Check.or(resolveDomainSuffix, "joineuis.lora-alliance.org");
        if (resolveDomainSuffix.isBlank() || resolveDomainSuffix.contains(" ")) {
            throw new InvalidSettingException("resolve_domain_suffix", "must be a DNS name, got '" + resolveDomainSuffix + "'");
        }
        dnsResolver = dnsResolver == null || dnsResolver.isEmpty() ? "" : Check.hostPort("dns_resolver", dnsResolver);
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
