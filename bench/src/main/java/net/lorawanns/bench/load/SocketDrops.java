package net.lorawanns.bench.load;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The kernel's count of datagrams it dropped because a UDP socket's receive queue was full. Per socket: the last
 * column ({@code drops}) of {@code /proc/net/udp} and {@code /proc/net/udp6}, summed over the sockets bound to one
 * local port. Where those files do not list the port (another network namespace, not Linux), the fallback is the
 * machine-wide {@code Udp: RcvbufErrors} of {@code /proc/net/snmp}, which counts every socket's drops.
 *
 * @param source where the count comes from, for the report
 * @param count the count at the time of reading
 */
record SocketDrops(String source, long count) {
    static final String PER_SOCKET = "/proc/net/udp drops of the server's socket";
    static final String MACHINE_WIDE = "/proc/net/snmp Udp RcvbufErrors, machine-wide";

    /** Reads the drops of the sockets bound to {@code port}, or the machine-wide count; empty when neither exists. */
    static Optional<SocketDrops> read(int port) {
        long perSocket = 0;
        boolean found = false;
        for (String file : new String[] {"/proc/net/udp", "/proc/net/udp6"}) {
            OptionalLong drops = ofPort(KernelFiles.readOrEmpty(Path.of(file)), port);
            if (drops.isPresent()) {
                perSocket += drops.getAsLong();
                found = true;
            }
        }
        if (found) {
            return Optional.of(new SocketDrops(PER_SOCKET, perSocket));
        }
        OptionalLong machine = rcvbufErrors(KernelFiles.readOrEmpty(Path.of("/proc/net/snmp")));
        return machine.isPresent() ? Optional.of(new SocketDrops(MACHINE_WIDE, machine.getAsLong()))
                : Optional.empty();
    }

    /**
     * The summed {@code drops} column of the rows of a {@code /proc/net/udp} or {@code udp6} table whose
     * {@code local_address} (hex address, colon, hex port) has port {@code port}; empty when no row has.
     */
    static OptionalLong ofPort(String table, int port) {
        String suffix = String.format(Locale.ROOT, ":%04X", port);
        long drops = 0;
        boolean found = false;
        for (String line : table.split("\n")) {
            String[] columns = line.trim().split("\\s+");
            if (columns.length < 13 || !columns[0].endsWith(":") || !columns[1].toUpperCase(Locale.ROOT)
                    .endsWith(suffix)) {
                continue;
            }
            drops += Long.parseLong(columns[columns.length - 1]);
            found = true;
        }
        return found ? OptionalLong.of(drops) : OptionalLong.empty();
    }

    /** {@code RcvbufErrors} of the two {@code Udp:} lines (names, then values) of {@code /proc/net/snmp}. */
    static OptionalLong rcvbufErrors(String snmp) {
        String[] names = null;
        for (String line : snmp.split("\n")) {
            if (!line.startsWith("Udp: ")) {
                continue;
            }
            String[] fields = line.substring(5).trim().split("\\s+");
            if (names == null) {
                names = fields;
            } else {
                for (int i = 0; i < names.length && i < fields.length; i++) {
                    if (names[i].equals("RcvbufErrors")) {
                        return OptionalLong.of(Long.parseLong(fields[i]));
                    }
                }
            }
        }
        return OptionalLong.empty();
    }
}
