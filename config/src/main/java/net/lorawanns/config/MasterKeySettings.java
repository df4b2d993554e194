package net.lorawanns.config;

/** A master key by ID: {@code [[internal_js.previous_master_keys]]}, still able to open records written under it. */
public record MasterKeySettings(String id, Secret key) {
    public MasterKeySettings {
        if (id == null || id.isBlank()) {
            throw new InvalidSettingException("id", "is required");
        }
        key = Check.aesKey("key", key);
        if (key.isEmpty()) {
            throw new InvalidSettingException("key", "is required for master key ID '" + id + "'");
        }
    }
}
