package net.lorawanns.deploy.simulate;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import net.lorawanns.sim.DeviceRegion;

/**
 * What {@code simulate} was asked for, checked by the command.
 *
 * @param versions      the LoRaWAN versions the devices take in turn (1.0.2, 1.0.3, 1.0.4, 1.1)
 * @param interval      each device's mean time between uplinks (each wait is drawn within +-50 % of it)
 * @param duration      how long devices send; the run ends then at the latest
 * @param uplinks       per device: it stops after this many (the run ends once every device has)
 * @param confirmedShare the share of uplinks sent confirmed, 0 to 1
 * @param joinEui       the JoinEUI of the OTAA devices (one the built-in join server answers for)
 * @param grace         after the devices stop: how long events and downlinks may still come
 */
public record SimulationSettings(int gateways, int devices, List<String> versions, Activation activation,
                                 Duration interval, Duration duration, OptionalInt uplinks, double confirmedShare,
                                 InetSocketAddress udp, String regionId, DeviceRegion region, long seed,
                                 String joinEui, Duration grace) {
    /** How the devices are activated: all OTAA, all ABP, or in turn. */
    public enum Activation {
        OTAA, ABP, MIXED
    }
}
