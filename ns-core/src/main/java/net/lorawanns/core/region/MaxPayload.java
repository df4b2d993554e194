package net.lorawanns.core.region;

/**
 * A row of an RP002 maximum payload size table.
 *
 * @param m the largest MACPayload, in bytes
 * @param n the largest FRMPayload when FOpts is empty, in bytes (M minus the 7-byte FHDR and the FPort byte)
 */
public record MaxPayload(int m, int n) {
}
