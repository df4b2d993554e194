package net.lorawanns.core.classb;

/**
 * One Class B ping slot of a device: when it opens (GPS milliseconds), and the frequency and data rate the device
 * listens on in it.
 */
public record PingSlot(long gpsMillis, long frequencyHz, int dataRate) {
}
