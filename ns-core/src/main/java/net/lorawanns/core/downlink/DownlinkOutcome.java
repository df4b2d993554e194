package net.lorawanns.core.downlink;

import java.util.Optional;
import net.lorawanns.core.gateway.TxResult;
import net.lorawanns.core.types.Eui64;

/**
 * How a Class A downlink went.
 *
 * @param window "rx1", "rx2", or "none" when neither window took it
 * @param gateway the gateway that transmitted (or last tried), if any could be tried
 */
public record DownlinkOutcome(String window, Optional<Eui64> gateway, TxResult result) {
    public boolean sent() {
        return !"none".equals(window);
    }
}
