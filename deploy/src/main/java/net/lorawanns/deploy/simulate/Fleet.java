package net.lorawanns.deploy.simulate;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The gateways and devices of one run, named after its run ID so runs never share a DevEUI: an application
 * {@code sim-RUNID}, a device profile per LoRaWAN version ({@code sim-RUNID-VERSION}), gateway EUIs
 * {@code 5E<RUNID>F0nnnnnn}, DevEUIs {@code 5E<RUNID>nnnnnnnn}; versions taken in turn, and for {@code mixed} a
 * round of OTAA devices (one of each version) then a round of ABP ones, so each version has both. Keys come from a
 * {@link SecureRandom}; ABP DevAddrs from the range of NetID 000000 (type 0, NwkID 0).
 */
public record Fleet(String runId, List<String> gatewayEuis, List<DevicePlan> devices) {
    private static final HexFormat HEX = HexFormat.of().withUpperCase();
    /**
     * DevAddrs of NetID 000000: type 0 and NwkID 0 fill the first 7 bits, NwkAddr the other 25 (LoRaWAN 1.1 section
     * 6.1.1).
     */
    private static final int NET_ID_0_ADDRESSES = 1 << 25;

    public static Fleet of(SimulationSettings settings, String runId) {
        SecureRandom random = new SecureRandom();
        List<String> gateways = new ArrayList<>();
        for (int i = 0; i < settings.gateways(); i++) {
            gateways.add("5E" + runId + "F0" + String.format("%06X", i));
        }
        List<DevicePlan> devices = new ArrayList<>();
        Set<Integer> devAddrs = new LinkedHashSet<>();
        for (int i = 0; i < settings.devices(); i++) {
            String version = settings.versions().get(i % settings.versions().size());
            boolean otaa = switch (settings.activation()) {
                case OTAA -> true;
                case ABP -> false;
                case MIXED -> i / settings.versions().size() % 2 == 0;
            };
            String devEui = "5E" + runId + String.format("%08X", i);
            String profile = profileId(runId, version);
            if (otaa) {
                devices.add(new DevicePlan(devEui, version, profile, Optional.of(settings.joinEui()), key(random),
                        key(random), Optional.empty(), new byte[0][]));
            } else {
                int devAddr;
                do {
                    devAddr = random.nextInt(NET_ID_0_ADDRESSES);
                } while (!devAddrs.add(devAddr));
                byte[][] keys = version.startsWith("1.1")
                        ? new byte[][] {key(random), key(random), key(random), key(random)}
                        : new byte[][] {key(random), key(random)};
                devices.add(new DevicePlan(devEui, version, profile, Optional.empty(), new byte[16], new byte[16],
                        Optional.of(String.format("%08X", devAddr)), keys));
            }
        }
        return new Fleet(runId, List.copyOf(gateways), List.copyOf(devices));
    }

    /** A run ID: 6 random hex digits. */
    public static String newRunId() {
        byte[] bytes = new byte[3];
        new SecureRandom().nextBytes(bytes);
        return HEX.formatHex(bytes);
    }

    public String applicationId() {
        return "sim-" + runId;
    }

    /** The versions the devices use, each once, in the order of first use. */
    public List<String> versions() {
        return devices.stream().map(DevicePlan::version).distinct().toList();
    }

    public static String profileId(String runId, String version) {
        return "sim-" + runId + "-" + version;
    }

    private static byte[] key(SecureRandom random) {
        byte[] key = new byte[16];
        random.nextBytes(key);
        return key;
    }
}
