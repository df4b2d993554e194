package net.lorawanns.core.integration;

import java.net.InetAddress;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The special-purpose ranges of RFC 6890 and the IANA registries, address by address. */
class WebhookAddressPolicyTest {
    private static final List<String> NOT_PUBLIC = List.of("127.0.0.1", "127.255.255.254", "10.0.0.1",
            "172.16.0.1", "172.31.255.255", "192.168.1.1", "100.64.0.1", "100.127.255.255", "169.254.169.254",
            "0.0.0.0", "0.1.2.3", "192.0.0.8", "192.0.2.1", "198.18.0.1", "198.51.100.7", "203.0.113.9", "224.0.0.1",
            "239.255.255.250", "240.0.0.1", "255.255.255.255", "::", "::1", "::ffff:127.0.0.1", "::ffff:10.1.2.3",
            "64:ff9b::a00:1", "100::1", "2001:db8::1", "fc00::1", "fd12:3456::1", "fe80::1", "fec0::1", "ff02::1");
    private static final List<String> PUBLIC = List.of("8.8.8.8", "1.1.1.1", "172.15.255.255", "172.32.0.1",
            "100.63.255.255", "100.128.0.1", "169.255.0.1", "192.169.0.1", "2606:4700:4700::1111", "2a00:1450::1");

    @Test
    void onlyPublicAddressesByDefault() throws Exception {
        WebhookAddressPolicy policy = new WebhookAddressPolicy(List.of());
        for (String address : NOT_PUBLIC) {
            assertTrue(policy.refusal(InetAddress.getByName(address)).isPresent(), address);
        }
        for (String address : PUBLIC) {
            assertEquals(java.util.Optional.empty(), policy.refusal(InetAddress.getByName(address)), address);
        }
    }

    @Test
    void theOperatorAllowsWhatItLists() throws Exception {
        WebhookAddressPolicy policy = new WebhookAddressPolicy(List.of("10.20.0.0/16", "fd00::/8", "127.0.0.1"));
        assertTrue(policy.refusal(InetAddress.getByName("10.20.255.1")).isEmpty());
        assertTrue(policy.refusal(InetAddress.getByName("fd12::1")).isEmpty());
        assertTrue(policy.refusal(InetAddress.getByName("127.0.0.1")).isEmpty());
        assertTrue(policy.refusal(InetAddress.getByName("10.21.0.1")).isPresent());
        assertTrue(policy.refusal(InetAddress.getByName("127.0.0.2")).isPresent());
    }

    @Test
    void aUrlWithALiteralAddressIsCheckedAsItIsSet() {
        WebhookAddressPolicy policy = new WebhookAddressPolicy(List.of());
        IllegalArgumentException metadata = assertThrows(IllegalArgumentException.class,
                () -> policy.checkUrl(URI.create("http://169.254.169.254/latest/meta-data/")));
        assertEquals("webhook_url: 169.254.169.254 is a link-local address; webhooks reach it only when "
                + "api.webhook_allowed_networks allows it", metadata.getMessage());
        assertThrows(IllegalArgumentException.class, () -> policy.checkUrl(URI.create("http://[::1]:6379/")));
        assertThrows(IllegalArgumentException.class, () -> policy.checkUrl(URI.create("https://10.0.0.5/hook")));
        policy.checkUrl(URI.create("https://93.184.215.14/hook"));
        policy.checkUrl(URI.create("https://localhost/hook"));
    }
}
