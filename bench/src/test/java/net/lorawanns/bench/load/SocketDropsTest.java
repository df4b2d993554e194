package net.lorawanns.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The tables' layout is the kernel's (net/ipv4/udp.c udp4_format_sock, proc(5) for /proc/net/snmp). */
class SocketDropsTest {
    private static final String UDP = """
              sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
            12358: 0100007F:EBD0 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 3732946 2 00000000b05be039 17
            12359: 0100007F:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000   101        0 12345 2 0000000000000000 4
            12360: 00000000:EBD0 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 3732947 2 00000000b05be040 3
            """;

    @Test
    void sumsTheDropsOfTheSocketsBoundToThePort() {
        assertEquals(OptionalLong.of(20), SocketDrops.ofPort(UDP, 0xEBD0));
        assertEquals(OptionalLong.of(4), SocketDrops.ofPort(UDP, 53));
    }

    @Test
    void aPortNoSocketIsBoundToIsAbsentNotZero() {
        assertEquals(OptionalLong.empty(), SocketDrops.ofPort(UDP, 0xEBD1));
        assertEquals(OptionalLong.empty(), SocketDrops.ofPort("", 53));
    }

    @Test
    void readsIpv6Rows() {
        String udp6 = """
                  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
                  745: 00000000000000000000000001000000:1F90 00000000000000000000000000000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 98765 2 0000000000000000 9
                """;
        assertEquals(OptionalLong.of(9), SocketDrops.ofPort(udp6, 8080));
    }

    @Test
    void fallsBackToTheMachineWideReceiveBufferErrors() {
        String snmp = """
                Udp: InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors InCsumErrors IgnoredMulti MemErrors
                Udp: 114016022 75841 8302541 122427866 8302540 0 0 0 0
                UdpLite: InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors InCsumErrors IgnoredMulti MemErrors
                UdpLite: 0 0 0 0 0 0 0 0 0
                """;
        assertEquals(OptionalLong.of(8302540), SocketDrops.rcvbufErrors(snmp));
    }
}
