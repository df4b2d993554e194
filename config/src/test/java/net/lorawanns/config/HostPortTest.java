package net.lorawanns.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class HostPortTest {
    @Test
    void parsesNamesAndBothAddressFamilies() {
        assertEquals(new HostPort("0.0.0.0", 1700), HostPort.parse("0.0.0.0:1700"));
        assertEquals(new HostPort("::1", 8070), HostPort.parse("[::1]:8070"));
        assertEquals("[::1]:8070", HostPort.parse("[::1]:8070").toString());
        assertEquals(new HostPort("js.example.com", 0), HostPort.parse("js.example.com:0"));
    }

    @Test
    void rejectsWhatIsNotHostAndPort() {
        assertThrows(IllegalArgumentException.class, () -> HostPort.parse("1700"));
        assertThrows(IllegalArgumentException.class, () -> HostPort.parse("host:"));
        assertThrows(IllegalArgumentException.class, () -> HostPort.parse(":1700"));
        assertThrows(IllegalArgumentException.class, () -> HostPort.parse("host:65536"));
        assertThrows(IllegalArgumentException.class, () -> HostPort.parse("host:http"));
    }
}
