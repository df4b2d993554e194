package net.lorawanns.core.device;

import java.util.Objects;
import java.util.Optional;
import net.lorawanns.core.gateway.GatewayLocation;
import net.lorawanns.core.types.Eui64;

/** A gateway registered through the API: the region it serves (empty: the default) and where it stands, if given. */
public record RegisteredGateway(Eui64 eui, Optional<String> region, Optional<GatewayLocation> location) {
    public RegisteredGateway {
        Objects.requireNonNull(eui, "eui");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(location, "location");
    }
}
