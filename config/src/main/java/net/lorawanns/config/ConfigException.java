package net.lorawanns.config;

/** The configuration cannot be used; the message names the key (and the line, where known) and the problem. */
public final class ConfigException extends Exception {
    private final String key;

    public ConfigException(String key, String message) {
        super(key.isEmpty() ? message : key + ": " + message);
        this.key = key;
    }

    /** The full dotted key, e.g. {@code join_server.servers[0].ca_cert}; empty for file-level errors. */
    public String key() {
        return key;
    }
}
