package net.lorawanns.config;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    private static final String MASTER_KEY = "000102030405060708090A0B0C0D0E0F";
    private final ConfigLoader loader = new ConfigLoader(Map.of("MASTER", MASTER_KEY, "REDIS_HOST", "redis.internal")::get);

    @Test
    void theCommentedExampleLoadsAndEqualsTheDefaults() throws Exception {
        Settings example = loader.load(Path.of("lorawan-ns.toml"));
        assertEquals(Settings.DEFAULTS, example);
    }

    @Test
    void anEmptyFileGivesTheDocumentedDefaults() throws Exception {
        Settings s = loader.parse("");
        assertEquals("000000", s.network().netId());
        assertEquals(List.of("eu868"), s.network().enabledRegions());
        assertEquals(Duration.ofMillis(200), s.network().deduplicationDelay());
        assertEquals(1, s.network().rx1Delay());
        assertEquals(new MemoryBudget(25, 0), s.network().sessionCacheMemoryBudget());
        assertEquals(null, s.network().sessionCacheSize(), "no bound on DevAddrs beyond the memory's");
        assertTrue(s.redis().embedded());
        assertEquals("0.0.0.0:1700", s.gateway().udp().bind());
        assertEquals("accept", s.gateway().udp().unknownGateways());
        assertFalse(s.joinServer().resolveJoinEui());
        assertEquals("joineuis.lora-alliance.org", s.joinServer().resolveDomainSuffix());
        assertTrue(s.joinServer().defaultServer().isInternal());
        assertTrue(s.internalJs().enabled());
        assertEquals(List.of("0000000000000000/0"), s.internalJs().joinEuis());
        assertEquals("0.0.0.0:8070", s.metrics().bind());
    }

    @Test
    void valuesAreNormalisedAndEnvironmentVariablesExpanded(@TempDir Path dir) throws Exception {
        Path ca = touch(dir, "ca.pem");
        Path cert = touch(dir, "client.pem");
        Path key = touch(dir, "client-key.pem");
        Settings s = loader.parse("""
                [network]
                net_id = "0x00001a"
                dev_addr_prefixes = ["34000000/7"]
                region = "US915"
                enabled_regions = ["eu868", "us915"]
                deduplication_delay = "1s500ms"

                [redis]
                servers = ["redis://user:hunter2@${REDIS_HOST}:6379/0"]
                key_prefix = "${PREFIX:-lns:}"

                [join_server]
                resolve_join_eui = true

                [[join_server.servers]]
                join_eui_prefix = "70b3d57ed0000000/40"
                server = "https://js.example.com/"
                ca_cert = "%s"
                tls_cert = "%s"
                tls_key = "%s"
                protocol_version = "1.1"

                [[join_server.kek]]
                label = "ns.example.com"
                kek = "${MASTER}"

                [internal_js]
                master_key = "${MASTER}"
                """.formatted(ca, cert, key));
        assertEquals("00001A", s.network().netId());
        assertEquals("us915", s.network().region());
        assertEquals(Duration.ofMillis(1500), s.network().deduplicationDelay());
        assertEquals(List.of("redis://user:hunter2@redis.internal:6379/0"), s.redis().servers());
        assertEquals(List.of("redis://user:****@redis.internal:6379/0"), s.redis().maskedServers());
        assertEquals("lns:", s.redis().keyPrefix());
        JoinServerEntry entry = s.joinServer().servers().get(0);
        assertEquals("70B3D57ED0000000/40", entry.joinEuiPrefix());
        assertEquals(Duration.ofSeconds(3), entry.timeout());
        assertEquals(MASTER_KEY, s.internalJs().masterKey().reveal());
        assertEquals("****", s.internalJs().masterKey().toString());
    }

    @Test
    void unknownKeysAreNamed() {
        ConfigException e = fails("[network]\nnet_idd = \"000000\"\n");
        assertEquals("network.net_idd", e.key());
        assertTrue(e.getMessage().contains("unknown key"), e.getMessage());
        assertTrue(e.getMessage().contains("net_id"), "lists the known keys: " + e.getMessage());
        assertEquals("networks", fails("[networks]\nnet_id = \"000000\"\n").key());
    }

    @Test
    void wrongTypesAreNamed() {
        ConfigException netId = fails("[network]\nnet_id = 5\n");
        assertEquals("network.net_id", netId.key());
        assertTrue(netId.getMessage().contains("expected a string"), netId.getMessage());
        ConfigException rx1 = fails("[network]\nrx1_delay = \"1\"\n");
        assertEquals("network.rx1_delay", rx1.key());
        assertEquals("gateway.udp.pin_source_address", fails("[gateway.udp]\npin_source_address = \"yes\"\n").key());
        assertEquals("network.deduplication_delay", fails("[network]\ndeduplication_delay = \"200 ms\"\n").key());
    }

    @Test
    void theReceiveWindowRuleIsReadByNameOrAsChirpStacksNumber() throws ConfigException {
        assertEquals(NetworkSettings.RxWindowRule.RX1_FIRST, loader.parse("").network().rxWindowRule());
        assertEquals(0, loader.parse("").network().rx2BelowRx1Dr());
        NetworkSettings named = loader.parse("[network]\nrx_window = \"rx2_first\"\nrx2_below_rx1_dr = 2\n").network();
        assertEquals(NetworkSettings.RxWindowRule.RX2_FIRST, named.rxWindowRule());
        assertEquals(2, named.rx2BelowRx1Dr());
        assertEquals(NetworkSettings.RxWindowRule.RX1_FIRST, loader.parse("[network]\nrx_window = 0\n").network()
                .rxWindowRule());
        assertEquals(NetworkSettings.RxWindowRule.RX1_ONLY, loader.parse("[network]\nrx_window = 1\n").network()
                .rxWindowRule());
        assertEquals(NetworkSettings.RxWindowRule.RX2_ONLY, loader.parse("[network]\nrx_window = 2\n").network()
                .rxWindowRule());
        ConfigException number = fails("[network]\nrx_window = 3\n");
        assertEquals("network.rx_window", number.key());
        assertTrue(number.getMessage().contains("rx2_first"), number.getMessage());
        assertEquals("network.rx_window", fails("[network]\nrx_window = \"rx3_first\"\n").key());
        assertEquals("network.rx2_below_rx1_dr", fails("[network]\nrx2_below_rx1_dr = 16\n").key());
        assertEquals("gateway.udp.default_round_trip", fails("[gateway.udp]\ndefault_round_trip = \"0ms\"\n").key());
    }

    @Test
    void theQueueDelayBoundIsReadAndDefaultsTo200Ms() throws ConfigException {
        assertEquals(Duration.ofMillis(200), loader.parse("").network().maxQueueDelay());
        assertEquals(Duration.ofMillis(750), loader.parse("[network]\nmax_queue_delay = \"750ms\"\n").network()
                .maxQueueDelay());
    }

    @Test
    void malformedValuesAreNamed() {
        assertEquals("network.net_id: must be 6 hex digits, got 5 ('00001')",
                fails("[network]\nnet_id = \"00001\"\n").getMessage());
        assertEquals("network.enabled_regions[1]", fails("[network]\nenabled_regions = [\"eu868\", \"eu869\"]\n").key());
        assertEquals("network.region", fails("[network]\nregion = \"us915\"\nenabled_regions = [\"eu868\"]\n").key());
        assertEquals("network.dev_addr_prefixes[0]", fails("[network]\ndev_addr_prefixes = [\"27000000/7\"]\n").key());
        assertEquals("network.rx1_delay", fails("[network]\nrx1_delay = 0\n").key());
        assertEquals("redis.servers[0]", fails("[redis]\nservers = [\"http://localhost\"]\n").key());
        assertEquals("redis.master_name", fails("[redis]\nmode = \"sentinel\"\nservers = [\"redis://a:26379\"]\n").key());
        assertEquals("redis.mode", fails("[redis]\nmode = \"clustered\"\n").key());
        assertEquals("redis.key_prefix: must not contain '{' or '}', got 'lns{a}:'",
                fails("[redis]\nkey_prefix = \"lns{a}:\"\n").getMessage());
        assertEquals("redis.request_timeout", fails("[redis]\nrequest_timeout = \"0s\"\n").key());
        assertEquals("redis.max_pending_requests", fails("[redis]\nmax_pending_requests = 0\n").key());
        assertEquals("network.max_frames_in_flight", fails("[network]\nmax_frames_in_flight = 0\n").key());
        assertEquals("network.max_queue_delay", fails("[network]\nmax_queue_delay = \"0s\"\n").key());
        assertEquals("network.max_queue_delay: must be at most 1m, got 2m",
                fails("[network]\nmax_queue_delay = \"2m\"\n").getMessage());
        assertEquals("redis.min_replicas_acked", fails("[redis]\nmin_replicas_acked = -1\n").key());
        assertEquals("redis.replica_ack_timeout", fails("[redis]\nreplica_ack_timeout = \"0s\"\n").key());
        assertEquals("redis.replica_ack_timeout", fails("[redis]\nmin_replicas_acked = 1\n"
                + "replica_ack_timeout = \"1s\"\n").key());
        assertEquals("gateway.udp.bind", fails("[gateway.udp]\nbind = \"0.0.0.0\"\n").key());
        assertEquals("gateway.gateways[0].gateway_id", fails("[[gateway.gateways]]\ngateway_id = \"0016C001FF10A2\"\n").key());
        assertEquals("gateway.gateways[1].gateway_id", fails("""
                [[gateway.gateways]]
                gateway_id = "0016C001FF10A235"
                [[gateway.gateways]]
                gateway_id = "0016c001ff10a235"
                """).key());
        assertEquals("join_server.servers[0].join_eui",
                fails("[[join_server.servers]]\njoin_eui = \"70B3D57ED00000\"\nserver = \"https://js\"\n").key());
        assertEquals("join_server.servers[0].join_eui",
                fails("[[join_server.servers]]\nserver = \"https://js\"\n").key());
        assertEquals("join_server.servers[0].server",
                fails("[[join_server.servers]]\njoin_eui = \"70B3D57ED0000000\"\nserver = \"ftp://js\"\n").key());
        assertEquals("join_server.servers[1].ca_cert", fails("""
                [[join_server.servers]]
                join_eui = "70B3D57ED0000000"
                server = "https://a"
                [[join_server.servers]]
                join_eui = "70B3D57ED0000001"
                server = "https://b"
                ca_cert = "/no/such/ca.pem"
                """).key());
        assertEquals("join_server.servers[0].timeout",
                fails("[[join_server.servers]]\njoin_eui = \"70B3D57ED0000000\"\nserver = \"https://a\"\ntimeout = \"5s\"\n").key());
        assertEquals("join_server.certificates[0].join_eui",
                fails("[[join_server.certificates]]\nca_cert = \"/no/such/ca.pem\"\n").key());
        assertEquals("join_server.certificates[1].ca_cert", fails("""
                [[join_server.certificates]]
                join_eui = "70B3D57ED0000000/40"
                [[join_server.certificates]]
                join_eui = "70B3D57ED0000001"
                ca_cert = "/no/such/ca.pem"
                """).key());
        assertEquals("join_server.servers[0].headers.Host", fails("""
                [[join_server.servers]]
                join_eui = "70B3D57ED0000000"
                server = "https://a"
                headers = { Host = "b" }
                """).key());
        assertEquals("join_server.default.headers", fails("[join_server.default]\nheaders = { \"a b\" = \"c\" }\n").key());
        assertEquals("join_server.dns_cache_size", fails("[join_server]\ndns_cache_size = 0\n").key());
        assertEquals("join_server.default.join_eui", fails("[join_server.default]\njoin_eui = \"70B3D57ED0000000\"\n").key());
        assertEquals("join_server.kek[0].label", fails("[[join_server.kek]]\nkek = \"" + MASTER_KEY + "\"\n").key());
        assertEquals("join_server.kek[1].label", fails("""
                [[join_server.kek]]
                label = "a"
                kek = "%1$s"
                [[join_server.kek]]
                label = "a"
                kek = "%1$s"
                """.formatted(MASTER_KEY)).key());
        assertEquals("internal_js.tls_cert", fails("[internal_js]\nbind = \"0.0.0.0:8443\"\n").key());
        ConfigException clear = fails("""
                [[internal_js.clients]]
                name = "partner"
                cert = "lorawan-ns.toml"
                net_ids = ["000013"]
                """);
        assertEquals("internal_js.clients[0].ns_kek_label", clear.key(), clear.getMessage());
        assertTrue(clear.getMessage().contains("allow_clear_keys"), clear.getMessage());
        assertDoesNotThrow(() -> loader.parse("""
                [[internal_js.clients]]
                name = "partner"
                cert = "lorawan-ns.toml"
                net_ids = ["000013"]
                allow_clear_keys = true
                """), "clear keys when the peer's entry says so");
        assertEquals("internal_js.clients[0].as_kek_label", fails("""
                [[internal_js.kek]]
                label = "ns"
                kek = "%s"
                [[internal_js.clients]]
                name = "partner"
                cert = "lorawan-ns.toml"
                net_ids = ["000013"]
                ns_kek_label = "ns"
                """.formatted(MASTER_KEY)).key());
        assertEquals("internal_js.as_kek_label", fails("[internal_js]\nas_kek_label = \"missing\"\n").key());
        assertEquals("api.api_keys[0]", fails("[api]\napi_keys = [\"short\"]\n").key());
        assertEquals("api.tls_cert", fails("[api]\ntls_cert = \"no-such-cert.pem\"\ntls_key = \"lorawan-ns.toml\"\n").key());
        assertEquals("api.tls_key", fails("[api]\ntls_cert = \"lorawan-ns.toml\"\n").key());
        assertEquals("api.tls_cert", fails("[api]\ntls_key = \"lorawan-ns.toml\"\n").key());
        ConfigException cidr = fails("[api]\nwebhook_allowed_networks = [\"10.0.0.0/8\", \"10.0.0.1/8\"]\n");
        assertEquals("api.webhook_allowed_networks[1]", cidr.key());
        assertTrue(cidr.getMessage().contains("bits set past its prefix length"), cidr.getMessage());
        assertEquals("api.webhook_allowed_networks[0]", fails("[api]\nwebhook_allowed_networks = [\"intranet\"]\n").key());
        assertEquals("api.webhook_allowed_networks[0]", fails("[api]\nwebhook_allowed_networks = [\"fc00::/129\"]\n").key());
        assertEquals("gateway.udp.max_unknown_gateways", fails("[gateway.udp]\nmax_unknown_gateways = 0\n").key());
    }

    @Test
    void secretsAreNeverRepeatedInErrors() {
        ConfigException e = fails("[internal_js]\nmaster_key = \"000102030405060708090A0B0C0D0EZZ\"\n");
        assertEquals("internal_js.master_key", e.key());
        assertFalse(e.getMessage().contains("0001020304"), e.getMessage());
        ConfigException kek = fails("[[join_server.kek]]\nlabel = \"a\"\nkek = \"00010203\"\n");
        assertEquals("join_server.kek[0].kek", kek.key());
        assertFalse(kek.getMessage().contains("00010203"), kek.getMessage());
    }

    @Test
    void aMasterKeyIsRequiredWithAnExternalRedis() {
        ConfigException e = fails("[redis]\nservers = [\"redis://localhost:6379\"]\n");
        assertEquals("internal_js.master_key", e.key());
        assertTrue(e.getMessage().contains("required"), e.getMessage());
    }

    @Test
    void aMasterKeyIsRequiredWithAnExternalRedisEvenWithoutTheInternalJoinServer() {
        ConfigException e = fails("[redis]\nservers = [\"redis://localhost:6379\"]\n[internal_js]\nenabled = false\n");
        assertEquals("internal_js.master_key", e.key());
        assertTrue(e.getMessage().contains("session keys"), e.getMessage());
    }

    @Test
    void missingEnvironmentVariablesAreNamed() {
        ConfigException e = fails("[internal_js]\nmaster_key = \"${NOT_SET}\"\n");
        assertEquals("internal_js.master_key", e.key());
        assertTrue(e.getMessage().contains("NOT_SET"), e.getMessage());
    }

    @Test
    void syntaxErrorsGiveTheLine() {
        ConfigException e = fails("[network]\nnet_id = \"000000\"\nrx1_delay = = 1\n");
        assertTrue(e.getMessage().contains("line 3"), e.getMessage());
    }

    @Test
    void aMissingFileIsAClearError() {
        ConfigException e = assertThrows(ConfigException.class, () -> loader.load(Path.of("/no/such/file.toml")));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }

    @Test
    void theWrittenConfigurationMasksSecrets() throws Exception {
        Settings s = loader.parse("""
                [redis]
                servers = ["redis://:hunter2@localhost:6379"]
                [internal_js]
                master_key = "%s"
                [api]
                api_keys = ["a-very-secret-api-key"]
                """.formatted(MASTER_KEY));
        String toml = new ConfigWriter().toToml(s);
        assertFalse(toml.contains("hunter2"), toml);
        assertFalse(toml.contains(MASTER_KEY), toml);
        assertFalse(toml.contains("a-very-secret-api-key"), toml);
        assertTrue(toml.contains("****"), toml);
        assertTrue(toml.contains("deduplication_delay = '200ms'") || toml.contains("deduplication_delay = \"200ms\""), toml);
    }

    @Test
    void regionEntriesLoadWithTheirDefaults() throws Exception {
        Settings s = loader.parse("""
                [network]
                region = "us915"
                enabled_regions = ["eu868", "us915", "AS923", "as923_2"]

                [[regions]]
                id = "us915"
                sub_bands = [1, 2]

                [[regions]]
                id = "eu868"
                extra_channels = [{ frequency = 867100000 }, { frequency = 868800000, min_dr = 7, max_dr = 7 },
                                  { frequency = 867300000, downlink_frequency = 869525000 }]
                rx2_frequency = 869525000
                rx2_dr = 3
                """);
        assertEquals(List.of("eu868", "us915", "as923-1", "as923-2"), s.network().enabledRegions());
        assertEquals(new RegionSettings("us915", null, List.of(1, 2), null, null), s.regions().get(0));
        assertEquals(new RegionSettings("eu868", List.of(new ExtraChannelSettings(867_100_000L, 0, 5, null),
                new ExtraChannelSettings(868_800_000L, 7, 7, null),
                new ExtraChannelSettings(867_300_000L, 0, 5, 869_525_000L)), null, 869_525_000L, 3), s.regions().get(1));
        assertEquals(2, s.regions().size());
    }

    @Test
    void regionEntryErrorsNameTheEntryAndKey() {
        String enabled = "[network]\nenabled_regions = [\"eu868\", \"us915\"]\n";
        ConfigException notEnabled = fails(enabled + "[[regions]]\nid = \"eu868\"\n[[regions]]\nid = \"au915\"\n");
        assertEquals("regions[1].id", notEnabled.key());
        assertTrue(notEnabled.getMessage().contains("not among network.enabled_regions"), notEnabled.getMessage());
        assertEquals("regions[1].id", fails(enabled + "[[regions]]\nid = \"us915\"\n[[regions]]\nid = \"us915\"\n")
                .key());
        assertEquals("regions[0].id", fails(enabled + "[[regions]]\nid = \"eu869\"\n").key());
        assertEquals("regions[0].id", fails(enabled + "[[regions]]\nsub_bands = [1]\n").key());
        assertEquals("regions[0].sub_bands[1]", fails(enabled + "[[regions]]\nid = \"us915\"\nsub_bands = [2, 0]\n")
                .key());
        assertEquals("regions[0].sub_bands[1]", fails(enabled + "[[regions]]\nid = \"us915\"\nsub_bands = [2, 2]\n")
                .key());
        assertEquals("regions[0].sub_bands", fails(enabled + "[[regions]]\nid = \"us915\"\nsub_bands = []\n").key());
        assertEquals("regions[0].extra_channels[1].frequency", fails(enabled
                + "[[regions]]\nid = \"eu868\"\nextra_channels = [{ frequency = 867100000 }, { min_dr = 0 }]\n").key());
        assertEquals("regions[0].extra_channels[0].max_dr", fails(enabled
                + "[[regions]]\nid = \"eu868\"\nextra_channels = [{ frequency = 867100000, min_dr = 5, max_dr = 2 }]\n")
                .key());
        assertEquals("regions[0].rx2_frequency", fails(enabled + "[[regions]]\nid = \"eu868\"\nrx2_frequency = 869\n")
                .key());
        assertEquals("regions[0].rx2_dr", fails(enabled + "[[regions]]\nid = \"eu868\"\nrx2_dr = 16\n").key());
        assertEquals("regions[0].bands", fails(enabled + "[[regions]]\nid = \"eu868\"\nbands = 1\n").key());
        ConfigException ism = fails("[network]\nenabled_regions = [\"ism2400\"]\n");
        assertEquals("network.enabled_regions[0]", ism.key());
        assertTrue(ism.getMessage().contains("not an RP002 region"), ism.getMessage());
        assertEquals("network.rx2_dr", fails("[network]\nrx2_dr = 0\n").key(), "moved to [[regions]]");
    }

    @Test
    void theSessionCacheIsSizedByAShareOfTheHeapOrASizeAndStillReadsTheEarlierCount() throws Exception {
        NetworkSettings share = loader.parse("[network]\nsession_cache_memory = \"10%\"\n").network();
        assertEquals(100L << 20, share.sessionCacheMemoryBudget().bytes(1000L << 20));
        NetworkSettings size = loader.parse("[network]\nsession_cache_memory = \"256MiB\"\n"
                + "session_cache_size = 200000\n").network();
        assertEquals(256L << 20, size.sessionCacheMemoryBudget().bytes(1L << 30), "a size ignores the heap");
        assertEquals(200_000, size.sessionCacheSize(), "the earlier key is still read");
        for (String bad : List.of("\"0%\"", "\"95%\"", "\"256MB\"", "\"lots\"", "256")) {
            assertEquals("network.session_cache_memory", fails("[network]\nsession_cache_memory = " + bad + "\n")
                    .key(), bad);
        }
        assertEquals("network.session_cache_size", fails("[network]\nsession_cache_size = 0\n").key());
    }

    @Test
    void pipelineEventLoopsAreOneOrMore() throws Exception {
        assertEquals(3, loader.parse("[network]\npipeline_event_loops = 3\n").network().pipelineEventLoops());
        assertTrue(loader.parse("").network().pipelineEventLoops() >= 1, "the default is at least one");
        for (String bad : List.of("0", "257", "\"two\"")) {
            assertEquals("network.pipeline_event_loops", fails("[network]\npipeline_event_loops = " + bad + "\n")
                    .key(), bad);
        }
    }

    @Test
    void theStartUpWarmUpIsAtMostTwentySecondsByDefaultAndZeroTurnsItOff() throws Exception {
        assertEquals(Duration.ofSeconds(20), loader.parse("").network().startUpWarmUp());
        assertEquals(Duration.ZERO, loader.parse("[network]\nstart_up_warm_up = \"0s\"\n").network().startUpWarmUp());
        assertEquals(Duration.ofSeconds(45), loader.parse("[network]\nstart_up_warm_up = \"45s\"\n").network()
                .startUpWarmUp());
        for (String bad : List.of("\"-1s\"", "\"6m\"", "\"soon\"")) {
            assertEquals("network.start_up_warm_up", fails("[network]\nstart_up_warm_up = " + bad + "\n").key(), bad);
        }
    }

    @Test
    void theAuditRetentionIsAPositiveDurationOfAYearByDefault() throws Exception {
        assertEquals(Duration.ofDays(365), loader.parse("").internalJs().auditRetention());
        assertEquals(Duration.ofHours(48), loader.parse("[internal_js]\naudit_retention = \"48h\"\n").internalJs()
                .auditRetention());
        for (String bad : List.of("\"0s\"", "\"a year\"")) {
            assertEquals("internal_js.audit_retention", fails("[internal_js]\naudit_retention = " + bad + "\n").key(),
                    bad);
        }
    }

    private ConfigException fails(String toml) {
        return assertThrows(ConfigException.class, () -> loader.parse(toml));
    }

    private static Path touch(Path dir, String name) throws IOException {
        return Files.writeString(dir.resolve(name), "-----BEGIN CERTIFICATE-----\n");
    }
}
