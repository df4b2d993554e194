package net.lorawanns.js.audit;

import java.util.Locale;

/** What an audit entry records about a device in the built-in join server. */
public enum AuditAction {
    PROVISION, CLAIM, UNCLAIM, TRANSFER, EXPORT, UNLOCK, IMPORT, CLAIM_REFUSED;

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
