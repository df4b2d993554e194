package net.lorawanns.core.join;

/** Backend Interfaces Result codes that a JoinAns can carry (TS002-1.1 section 21, Table 24). */
public enum JoinResult {
    SUCCESS("Success"),
    MIC_FAILED("MICFailed"),
    JOIN_REQ_FAILED("JoinReqFailed"),
    NO_ROAMING_AGREEMENT("NoRoamingAgreement"),
    ACTIVATION_DISALLOWED("ActivationDisallowed"),
    UNKNOWN_DEV_EUI("UnknownDevEUI"),
    UNKNOWN_SENDER("UnknownSender"),
    UNKNOWN_RECEIVER("UnknownReceiver"),
    MALFORMED_REQUEST("MalformedRequest"),
    FRAME_SIZE_ERROR("FrameSizeError"),
    INVALID_PROTOCOL_VERSION("InvalidProtocolVersion"),
    OTHER("Other");

    private final String code;

    JoinResult(String code) {
        this.code = code;
    }

    /** The code as the Backend Interfaces spell it. */
    public String code() {
        return code;
    }
}
