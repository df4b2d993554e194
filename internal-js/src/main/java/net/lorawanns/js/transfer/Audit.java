package net.lorawanns.js.transfer;

import io.vertx.core.Future;
import net.lorawanns.core.types.Eui64;

/** Where export, unlock and import are recorded: who, when, which device, never a key. */
public interface Audit {
    Future<Void> record(String action, Eui64 devEui, String who, String detail);
}
