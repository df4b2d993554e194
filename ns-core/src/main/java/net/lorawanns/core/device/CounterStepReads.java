package net.lorawanns.core.device;

import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLongArray;
import net.lorawanns.core.mac.MacState;
import net.lorawanns.core.redis.RedisKeys;
import net.lorawanns.core.types.Eui64;

/**
 * What the counter step ({@link SessionStore#accept}) last read for a device, each value kept with the bytes it was
 * parsed from: the device record and the session's MAC state come with every step, mostly unchanged since the
 * device's last frame, and are parsed again only when their stored bytes differ (a record changed in Redis, by any
 * instance, is therefore always seen). Also the step's Redis keys, encoded once per device.
 *
 * <p>Direct-mapped: a device's slot follows from its DevEUI, and a device that takes another's slot costs that one a
 * parse, so the memory stays bounded however many devices send: {@value #SLOTS} slots of about 1.5-2 KB each (keys,
 * both values and their bytes; a MAC state's collections take most of it), some 30 MB when all are used.
 *
 * <p>A device takes a slot that is not yet its own at its second counter step in a row there ({@link #device}): with
 * more devices than slots, each sending seldom, every step would otherwise replace the slot's entry, to be replaced
 * in turn before that device's next frame. Such entries help no one, and they live seconds: long enough for the young
 * collector to copy them, some 30 MB at each collection, before they die (BENCHMARKS.md, session 15). Not
 * kept, what a step parses dies young. Thread-safe: the pipelines' event loops share it; a slot holds an immutable
 * {@link Entry}, replaced whole; the record of the last device turned away is only a hint.
 */
final class CounterStepReads {
    private static final int SLOTS = 16_384;

    /**
     * One device's keys and last reads.
     *
     * @param keys the counter step's keys: the session hash, the device record, the downlink queue and the downlink
     *             path, UTF-8
     * @param sessionKey the session hash's key alone, as {@link SessionStore}'s other scripts on it take it
     * @param deviceBytes the device record as stored, null before the first read
     * @param macBytes the MAC state as stored, null before the first read
     */
    record Entry(Eui64 devEui, byte[][] keys, byte[][] sessionKey, byte[] deviceBytes, Device device,
                 byte[] macBytes, MacState mac) {
        Entry withDevice(byte[] bytes, Device parsed) {
            return new Entry(devEui, keys, sessionKey, bytes, parsed, macBytes, mac);
        }

        Entry withMac(byte[] bytes, MacState parsed) {
            return new Entry(devEui, keys, sessionKey, deviceBytes, device, bytes, parsed);
        }
    }

    private final RedisKeys redisKeys;
    private final Entry[] slots = new Entry[SLOTS];
    /**
     * By slot, the DevEUI of the last device not kept there: its next step there takes the slot. Zero to begin with,
     * so a device whose DevEUI is 0 takes an empty slot at its first step.
     */
    private final AtomicLongArray turnedAway = new AtomicLongArray(SLOTS);

    CounterStepReads(RedisKeys redisKeys) {
        this.redisKeys = redisKeys;
    }

    /** The device's entry, a fresh one (keys only) when it has none. */
    Entry of(Eui64 devEui) {
        Entry entry = held(devEui);
        if (entry != null) {
            return entry;
        }
        byte[][] keys = redisKeys.uplinkKeys(devEui);
        return new Entry(devEui, keys, new byte[][] {keys[0]}, null, null, null, null);
    }

    /**
     * The device record the counter step read: the kept one when the bytes are the same, else parsed from a copy of
     * them and kept, if the slot is the device's or the device was the last one turned away from it.
     */
    Device device(Entry entry, CounterStepReply reply) {
        if (entry.device() != null && reply.deviceEquals(entry.deviceBytes())) {
            return entry.device();
        }
        byte[] stored = reply.device();
        Device device = StoredDevice.read(stored).device();
        Eui64 devEui = entry.devEui();
        int slot = slot(devEui);
        Entry current = held(devEui);
        if (current != null || turnedAway.get(slot) == devEui.value()) {
            // Not held: the step's own entry, made with its keys, takes the slot.
            slots[slot] = (current != null ? current : entry).withDevice(stored, device);
        } else {
            turnedAway.lazySet(slot, devEui.value());
        }
        return device;
    }

    /**
     * The MAC state kept for {@code stored}, if the device's last read (or save) was of these bytes; else empty, and
     * the caller parses it and {@link #keepMac keeps} what it made of them (kept if the device holds its slot).
     */
    Optional<MacState> macIfSame(Eui64 devEui, byte[] stored) {
        Entry entry = withMac(devEui);
        return entry != null && Arrays.equals(entry.macBytes(), stored) ? Optional.of(entry.mac()) : Optional.empty();
    }

    /** {@link #macIfSame(Eui64, byte[])} for the MAC state the counter step read. */
    Optional<MacState> macIfSame(Eui64 devEui, CounterStepReply reply) {
        Entry entry = withMac(devEui);
        return entry != null && reply.macEquals(entry.macBytes()) ? Optional.of(entry.mac()) : Optional.empty();
    }

    /** The device's entry if it keeps a MAC state; else null. */
    private Entry withMac(Eui64 devEui) {
        Entry entry = held(devEui);
        return entry != null && entry.mac() != null ? entry : null;
    }

    /** Keeps {@code state} as what the bytes {@code stored} hold for the device, if its slot is its own. */
    void keepMac(Eui64 devEui, byte[] stored, MacState state) {
        Entry entry = held(devEui);
        if (entry != null) {
            slots[slot(devEui)] = entry.withMac(stored, state);
        }
    }

    /** The entry of the device's slot, if it is the device's; else null. */
    private Entry held(Eui64 devEui) {
        Entry entry = slots[slot(devEui)];
        return entry != null && entry.devEui().equals(devEui) ? entry : null;
    }

    private static int slot(Eui64 devEui) {
        int hash = Long.hashCode(devEui.value());
        return (hash ^ (hash >>> 16)) & (SLOTS - 1);
    }
}
