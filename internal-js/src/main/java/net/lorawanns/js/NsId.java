package net.lorawanns.js;

/**
 * A network server's NSID or an application server's AS-ID as a request names it (Backend Interfaces 1.1 section
 * 6.1 leaves the form to the operator: a string such as a host name). Checked where it enters, so that whatever
 * stores or records it (root keys, claims, the audit log) never meets an oversized or unprintable one.
 */
public final class NsId {
    /** Longer than any host name an operator would use (253 characters is DNS's limit; few come near 64). */
    public static final int MAX_LENGTH = 128;

    private NsId() {
    }

    /** {@code value} when it is 1-128 printable ASCII characters without spaces; else why not. */
    public static String check(String value) {
        if (value.isEmpty() || value.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("must be 1-" + MAX_LENGTH + " characters");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x21 || c > 0x7E) {
                throw new IllegalArgumentException("must be printable ASCII without spaces");
            }
        }
        return value;
    }
}
