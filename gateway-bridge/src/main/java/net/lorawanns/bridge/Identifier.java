package net.lorawanns.bridge;

/** Semtech UDP packet identifiers, byte 3 of every datagram (PROTOCOL.TXT sections 3 and 5). */
enum Identifier {
    PUSH_DATA(0x00),
    PUSH_ACK(0x01),
    PULL_DATA(0x02),
    PULL_RESP(0x03),
    PULL_ACK(0x04),
    TX_ACK(0x05);

    private static final Identifier[] BY_CODE = values();
    private final int code;

    Identifier(int code) {
        this.code = code;
    }

    static Identifier of(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }

    int code() {
        return code;
    }
}
