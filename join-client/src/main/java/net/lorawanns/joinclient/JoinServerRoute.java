package net.lorawanns.joinclient;

import java.net.InetAddress;
import java.net.URI;
import java.util.Optional;
import net.lorawanns.config.JoinServerEntry;

/** Where a JoinEUI's join-requests go: the internal join server, or an external one over the Backend Interfaces. */
public sealed interface JoinServerRoute {

    /** The built-in join server. */
    record Internal(String source) implements JoinServerRoute {
    }

    /**
     * An external join server.
     *
     * @param server its Backend Interfaces URL
     * @param entry the settings the request uses: timeout, protocol version, async mode
     * @param tls the CA and client certificate for it, read at start-up
     * @param address the address DNS gave for the URL's host, to connect to; empty: the system resolves the host
     * @param source how it was found, for logs: "static entry ...", "DNS" or "default"
     * @param entryKey the TOML table of {@code entry}, e.g. {@code join_server.servers[0]}
     * @param tlsKey the TOML table whose {@code ca_cert}, {@code tls_cert} and {@code tls_key} {@code tls} holds
     */
    record External(URI server, JoinServerEntry entry, ClientTls tls, Optional<InetAddress> address, String source,
                    String entryKey, String tlsKey) implements JoinServerRoute {
    }
}
