package net.lorawanns.deploy;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Optional;
import net.lorawanns.config.ConfigException;
import net.lorawanns.config.InvalidSettingException;
import net.lorawanns.config.JoinServerSettings;
import net.lorawanns.config.Settings;
import net.lorawanns.joinclient.DnsJoinServerLookup;
import net.lorawanns.joinclient.JoinEuiResolver;

/**
 * JoinEUI resolution as {@code [join_server]} configures it, for the server and for {@code js check} alike: the DNS
 * look-up when {@code resolve_join_eui} is on, and the resolver with its certificate files read (on the calling
 * thread, at start-up).
 */
final class JoinServerRouting {
    private JoinServerRouting() {
    }

    /** @throws ConfigException naming the key of a resolver that does not resolve or a file that cannot be read */
    static JoinEuiResolver resolver(Vertx vertx, Settings settings, MeterRegistry registry) throws ConfigException {
        JoinServerSettings js = settings.joinServer();
        Optional<DnsJoinServerLookup> dns = Optional.empty();
        if (js.resolveJoinEui()) {
            try {
                dns = Optional.of(DnsJoinServerLookup.of(vertx, js, registry));
            } catch (IllegalArgumentException e) {
                throw new ConfigException("join_server.dns_resolver", e.getMessage());
            }
        }
        try {
            return new JoinEuiResolver(vertx, js,
                    settings.internalJs().enabled() ? settings.internalJs().joinEuis() : List.of(), dns, registry);
        } catch (InvalidSettingException e) {
            throw new ConfigException("join_server." + e.key(), e.getMessage());
        }
    }
}
