package net.lorawanns.core.adr;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ADR algorithms a server can use, by id: the built-in {@link DefaultAdrAlgorithm} and every
 * {@link AdrAlgorithm} the class path lists in {@code META-INF/services/net.lorawanns.core.adr.AdrAlgorithm}. Two
 * algorithms with one id are refused, so that a device profile's {@code adr_algorithm} names exactly one. Every
 * algorithm handed out refuses a decision beyond the device's limits (see {@link LimitCheckedAdrAlgorithm}).
 * Built once at start-up; immutable and safe to share between event loops afterwards.
 */
public final class AdrAlgorithms {
    private static final Logger LOG = LoggerFactory.getLogger(AdrAlgorithms.class);

    private final Map<String, AdrAlgorithm> byId;

    private AdrAlgorithms(Map<String, AdrAlgorithm> byId) {
        this.byId = Collections.unmodifiableMap(byId);
    }

    /**
     * The built-in algorithms and those found through {@code loader}. A provider that cannot be loaded or has
     * no id, or an id taken twice, is an {@link IllegalStateException} that names the classes.
     */
    public static AdrAlgorithms load(ClassLoader loader) {
        List<AdrAlgorithm> found;
        try {
            found = ServiceLoader.load(AdrAlgorithm.class, loader).stream().map(ServiceLoader.Provider::get).toList();
        } catch (ServiceConfigurationError e) {
            throw new IllegalStateException("cannot load an ADR algorithm listed in META-INF/services/"
                    + AdrAlgorithm.class.getName() + ": " + e.getMessage(), e);
        }
        for (AdrAlgorithm algorithm : found) {
            LOG.info("ADR algorithm '{}' from the class path: {}", algorithm.id(), algorithm.getClass().getName());
        }
        return of(Stream.concat(Stream.of(new DefaultAdrAlgorithm()), found.stream()).toList());
    }

    static AdrAlgorithms of(List<AdrAlgorithm> algorithms) {
        Map<String, AdrAlgorithm> byId = new LinkedHashMap<>();
        for (AdrAlgorithm algorithm : algorithms) {
            String id = algorithm.id();
            if (id == null || id.isBlank()) {
                throw new IllegalStateException("ADR algorithm " + algorithm.getClass().getName() + " has no id");
            }
            AdrAlgorithm before = byId.putIfAbsent(id, new LimitCheckedAdrAlgorithm(algorithm));
            if (before != null) {
                throw new IllegalStateException("two ADR algorithms have the id '" + id + "': "
                        + ((LimitCheckedAdrAlgorithm) before).implementation().getName() + " and "
                        + algorithm.getClass().getName());
            }
        }
        return new AdrAlgorithms(byId);
    }

    /** The algorithm of this id, if there is one. */
    public Optional<AdrAlgorithm> byId(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    /** Every id, the built-in ones first. */
    public Set<String> ids() {
        return byId.keySet();
    }
}
