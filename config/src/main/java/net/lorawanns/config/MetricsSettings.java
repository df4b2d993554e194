package net.lorawanns.config;

/**
 * {@code [metrics]}: Prometheus metrics at {@code /metrics} and a health check at {@code /health}.
 *
 * @param enabled serve them
 * @param bind {@code host:port} to listen on
 */
public record MetricsSettings(Boolean enabled, String bind) {
    public static final MetricsSettings DEFAULTS = new MetricsSettings(null, null);

    public MetricsSettings {
        enabled = Check.or(enabled, true);
        bind = Check.hostPort("bind", Check.or(bind, "0.0.0.0:8070"));
    }
}
