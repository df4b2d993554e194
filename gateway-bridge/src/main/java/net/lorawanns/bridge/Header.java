package net.lorawanns.bridge;

import net.lorawanns.core.types.Eui64;

/**
 * The fixed start of every datagram: protocol version, token, identifier, and for PUSH_DATA, PULL_DATA and
 * TX_ACK the gateway EUI in bytes 4-11 (PROTOCOL.TXT sections 3.2, 5.2 and 5.5).
 */
record Header(int version, int token, Identifier identifier, Eui64 gatewayEui) {
    /** Where the JSON of PUSH_DATA and TX_ACK starts. */
    static final int GATEWAY_HEADER_SIZE = 12;

    static Header parse(byte[] datagram, int length) throws MalformedDatagramException {
        if (length < 4) {
            throw new MalformedDatagramException(DropReason.TOO_SHORT, length + " bytes, a header has 4");
        }
        int version = datagram[0] & 0xFF;
        if (version != 1 && version != 2) {
            throw new MalformedDatagramException(DropReason.UNKNOWN_VERSION, "protocol version " + version);
        }
        int token = (datagram[1] & 0xFF) << 8 | (datagram[2] & 0xFF);
        Identifier identifier = Identifier.of(datagram[3] & 0xFF);
        if (identifier == null) {
            throw new MalformedDatagramException(DropReason.UNKNOWN_IDENTIFIER,
                    String.format("identifier 0x%02X", datagram[3] & 0xFF));
        }
        return switch (identifier) {
            case PUSH_DATA, PULL_DATA, TX_ACK -> {
                if (length < GATEWAY_HEADER_SIZE) {
                    throw new MalformedDatagramException(DropReason.TOO_SHORT,
                            identifier + " of " + length + " bytes has no gateway EUI");
                }
                // The gateway EUI is sent most significant byte first.
                yield new Header(version, token, identifier, Eui64.fromBigEndian(datagram, 4));
            }
            default -> throw new MalformedDatagramException(DropReason.WRONG_DIRECTION,
                    identifier + " is sent by servers, not gateways");
        };
    }

    /** PUSH_ACK or PULL_ACK: version, the same token, identifier (PROTOCOL.TXT sections 3.3 and 5.3). */
    static byte[] ack(int version, int token, Identifier identifier) {
        return new byte[] {(byte) version, (byte) (token >>> 8), (byte) token, (byte) identifier.code()};
    }
}
