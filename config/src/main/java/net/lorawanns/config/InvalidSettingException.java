package net.lorawanns.config;

/** Thrown by a settings record for one of its own keys; the loader adds the section path. */
public final class InvalidSettingException extends IllegalArgumentException {
    private final String key;

    public InvalidSettingException(String key, String message) {
        super(message);
        this.key = key;
    }

    /** The TOML key relative to the section that rejected it, e.g. {@code net_id} or {@code servers[1]}. */
    public String key() {
        return key;
    }
}
