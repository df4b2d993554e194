package net.lorawanns.js.audit;

import java.util.Locale;

/**
 * What an audit entry records about a device in the built-in join server: a step of its life cycle, its
 * provisioning from a manifest ({@link #PROVISION}, kept in a log of its own), or a refused attempt at one (kept in a
 * log of its own, {@link #refused()}).
 */
public enum AuditAction {
    PROVISION, CLAIM, UNCLAIM, TRANSFER, EXPORT, UNLOCK, IMPORT, CLAIM_REFUSED, EXPORT_REFUSED, UNLOCK_REFUSED,
    IMPORT_REFUSED, PROVISION_REFUSED;

    /** Whether this records a refused attempt rather than a step that took effect. */
    public boolean refused() {
        return name().endsWith("_REFUSED");
    }

    /** The name stored and shown in the API: lower case, e.g. {@code claim_refused}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static AuditAction fromWireName(String name) {
        for (AuditAction action : values()) {
            if (action.wireName().equals(name)) {
                return action;
            }
        }
        throw new IllegalArgumentException("unknown audit action '" + name + "'");
    }
}
