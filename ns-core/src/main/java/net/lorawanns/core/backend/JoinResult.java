package net.lorawanns.core.backend;

import java.util.Optional;

/** Backend Interfaces Result codes that a JoinAns can carry (TS002-1.1 section 21, Table 24). */
public enum JoinResult {
    SUCCESS("Success"),
    MIC_FAILED("MICFailed"),
    JOIN_REQ_FAILED("JoinReqFailed"),
    NO_ROAMING_AGREEMENT("NoRoamingAgreement"),
    DEV_ROAMING_DISALLOWED("DevRoamingDisallowed"),
    ROAMING_ACT_DISALLOWED("RoamingActDisallowed"),
    ACTIVATION_DISALLOWED("ActivationDisallowed"),
    UNKNOWN_DEV_EUI("UnknownDevEUI"),
    UNKNOWN_DEV_ADDR("UnknownDevAddr"),
    UNKNOWN_SENDER("UnknownSender"),
    UNKNOWN_RECEIVER("UnknownReceiver"),
    DEFERRED("Deferred"),
    XMIT_FAILED("XmitFailed"),
    INVALID_FPORT("InvalidFPort"),
    STALE_DEVICE_PROFILE("StaleDeviceProfile"),
    MALFORMED_REQUEST("MalformedRequest"),
    FRAME_SIZE_ERROR("FrameSizeError"),
    INVALID_PROTOCOL_VERSION("InvalidProtocolVersion"),
    OTHER("Other");

    private final String code;

    JoinResult(String code) {
        this.code = code;
    }

    /** The result with this Backend Interfaces code, if it is one. */
    public static Optional<JoinResult> fromCode(String code) {
        for (JoinResult result : values()) {
            if (result.code.equals(code)) {
                return Optional.of(result);
            }
        }
        return Optional.empty();
    }

    /** The code as the Backend Interfaces spell it. */
    public String code() {
        return code;
    }
}
