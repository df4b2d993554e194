package net.lorawanns.config;

import java.util.ArrayList;
import java.util.List;

/**
 * One {@code [[internal_js.clients]]} entry: a peer allowed to call the internal join server's Backend Interfaces
 * endpoint, known by its TLS client certificate (or the CA that issued it), and what it may speak for.
 *
 * @param name names the peer in logs and metrics
 * @param caCert a CA (PEM): any client certificate it issued identifies this peer
 * @param cert the peer's own client certificate (PEM), when it is not identified by a CA
 * @param netIds NetIDs the peer may send as SenderID of JoinReq and HomeNSReq (a network server)
 * @param nsIds NSIDs it may send as SenderNSID (Backend Interfaces 1.1); empty = any
 * @param asIds AS-IDs it may send as SenderID of AppSKeyReq (an application server)
 * @param nsKekLabel label of the KEK that wraps the network session keys sent to it; empty = in clear, which needs
 *                   allowClearKeys
 * @param asKekLabel label of the KEK that wraps the AppSKey sent to it; empty = in clear, which needs allowClearKeys
 * @param sendAppSKey put the AppSKey in the JoinAns; false keeps it for an application server's AppSKeyReq
 * @param rateLimit requests per second before the peer is answered 429
 * @param allowClearKeys send keys to this peer in clear where it has no KEK label; off by default
 */
public record JsClientSettings(String name, String caCert, String cert, List<String> netIds, List<String> nsIds,
                               List<String> asIds, String nsKekLabel, String asKekLabel, Boolean sendAppSKey,
                               Integer rateLimit, Boolean allowClearKeys) {

    public JsClientSettings {
        if (name == null || name.isBlank()) {
            throw new InvalidSettingException("name", "is required");
        }
        caCert = text(Check.file("ca_cert", caCert));
        cert = text(Check.file("cert", cert));
        if (caCert.isEmpty() == cert.isEmpty()) {
            throw new InvalidSettingException("ca_cert", "set exactly one of ca_cert and cert for client '" + name + "'");
        }
        List<String> nets = new ArrayList<>();
        List<String> given = Check.list(netIds);
        for (int i = 0; i < given.size(); i++) {
            nets.add(Check.hex("net_ids[" + i + "]", given.get(i), 3));
        }
        netIds = List.copyOf(nets);
        nsIds = Check.list(nsIds);
        asIds = Check.list(asIds);
        if (netIds.isEmpty() && asIds.isEmpty()) {
            throw new InvalidSettingException("net_ids", "client '" + name + "' needs net_ids (a network server) "
                    + "or as_ids (an application server)");
        }
        nsKekLabel = Check.or(nsKekLabel, "");
        asKekLabel = Check.or(asKekLabel, "");
        sendAppSKey = Check.or(sendAppSKey, true);
        rateLimit = Check.range("rate_limit", Check.or(rateLimit, 50), 1, 1_000_000);
        allowClearKeys = Check.or(allowClearKeys, false);
        if (!allowClearKeys) {
            if (!netIds.isEmpty() && nsKekLabel.isEmpty()) {
                throw new InvalidSettingException("ns_kek_label", "client '" + name + "' is sent network session keys: "
                        + "name the KEK that wraps them, or set allow_clear_keys = true to send them in clear");
            }
            boolean getsAppSKey = !asIds.isEmpty() || !netIds.isEmpty() && sendAppSKey;
            if (getsAppSKey && asKekLabel.isEmpty()) {
                throw new InvalidSettingException("as_kek_label", "client '" + name + "' is sent AppSKeys: name the "
                        + "KEK that wraps them, or set allow_clear_keys = true to send them in clear");
            }
        }
    }

    private static String text(java.nio.file.Path path) {
        return path == null ? "" : path.toString();
    }
}
