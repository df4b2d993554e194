package net.lorawanns.joinclient;

/** A join that could not be done with an external join server; the message names the JoinEUI, server and cause. */
public final class JoinClientException extends RuntimeException {
    public JoinClientException(String message) {
        super(message, null, false, false);
    }
}
