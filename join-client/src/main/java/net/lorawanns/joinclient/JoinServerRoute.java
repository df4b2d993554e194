package net.lorawanns.joinclient;

import java.net.URI;
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
     * @param entry the settings the request uses: TLS files, timeout, protocol version, async mode
     * @param source how it was found, for logs: "static entry ...", "DNS" or "default"
     */
    record External(URI server, JoinServerEntry entry, String source) implements JoinServerRoute {
    }
}
