package net.lorawanns.config;

/** {@code [logging]}. */
public record LoggingSettings(String level) {
    /** Log levels, most verbose first. */
    public enum Level { TRACE, DEBUG, INFO, WARN, ERROR }

    public static final LoggingSettings DEFAULTS = new LoggingSettings(null);

    public LoggingSettings {
        level = Check.oneOf("level", Check.or(level, "info"), Level.class).name().toLowerCase(java.util.Locale.ROOT);
    }
}
