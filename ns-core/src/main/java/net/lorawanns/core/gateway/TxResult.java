package net.lorawanns.core.gateway;

/** A downlink's outcome and the gateway's words on it (a warning or an unknown error), or an empty detail. */
public record TxResult(TxStatus status, String detail) {
    public static TxResult of(TxStatus status) {
        return new TxResult(status, "");
    }
}
