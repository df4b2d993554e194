package net.lorawanns.config;

/** A key-encryption key by label: {@code [[join_server.kek]]} or {@code [[internal_js.kek]]}. */
public record KekSettings(String label, Secret kek) {
    public KekSettings {
        if (label == null || label.isBlank()) {
            throw new InvalidSettingException("label", "is required");
        }
        kek = Check.aesKey("kek", kek);
        if (kek.isEmpty()) {
            throw new InvalidSettingException("kek", "is required for label '" + label + "'");
        }
    }
}
