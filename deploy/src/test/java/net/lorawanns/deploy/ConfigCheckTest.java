package net.lorawanns.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import net.lorawanns.core.testing.TestPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ConfigCheckTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = Launcher.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        return cli.execute(args);
    }

    @Test
    void theExampleConfigurationChecksOut() {
        assertEquals(0, run("config", "check", "../config/lorawan-ns.toml"), err.toString());
        assertTrue(out.toString().contains("net_id"), out.toString());
        assertTrue(out.toString().contains("joineuis.lora-alliance.org"), out.toString());
        assertTrue(err.toString().contains("OK"), err.toString());
    }

    @Test
    void secretsAreMaskedInTheEffectiveConfiguration(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("ns.toml"), """
                [redis]
                servers = ["redis://:s3cret-password@10.0.0.5:6379"]
                [internal_js]
                master_key = "00112233445566778899AABBCCDDEEFF"
                """);
        assertEquals(0, run("config", "check", file.toString()), err.toString());
        assertFalse(out.toString().contains("s3cret-password"), out.toString());
        assertFalse(out.toString().contains("00112233445566778899AABBCCDDEEFF"), out.toString());
        assertTrue(out.toString().contains("redis://:****@10.0.0.5:6379"), out.toString());
    }

    @Test
    void aBadConfigurationNamesTheKeyAndFails(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("ns.toml"), "[network]\nnet_id = \"12345\"\n");
        assertEquals(Launcher.CONFIG_ERROR, run("config", "check", file.toString()));
        assertTrue(err.toString().contains("network.net_id: must be 6 hex digits"), err.toString());
    }

    @Test
    void regionsAreCheckedAgainstTheirTablesAndPrinted(@TempDir Path dir) throws Exception {
        Path good = Files.writeString(dir.resolve("good.toml"), """
                [network]
                enabled_regions = ["eu868", "us915"]
                [[regions]]
                id = "us915"
                sub_bands = [1, 2]
                """);
        assertEquals(0, run("config", "check", good.toString()), err.toString());
        assertTrue(out.toString().contains("sub_bands = [1, 2]"), out.toString());
        Path bad = Files.writeString(dir.resolve("bad.toml"), """
                [network]
                enabled_regions = ["eu868", "us915"]
                [[regions]]
                id = "eu868"
                [[regions]]
                id = "us915"
                sub_bands = [9]
                """);
        assertEquals(Launcher.CONFIG_ERROR, run("config", "check", bad.toString()));
        assertTrue(err.toString().contains("regions[1].sub_bands[0]: us915 has sub-bands 1-8, got 9"), err.toString());
    }

    @Test
    void aCertificateAndAKeyThatDoNotBelongTogetherAreFound(@TempDir Path dir) throws Exception {
        TestPki.Authority authority = TestPki.authority(dir, "ca");
        TestPki.Credentials api = authority.issue("api");
        TestPki.Credentials other = authority.issue("other");
        String config = """
                [api]
                tls_cert = "%s"
                tls_key = "%s"
                """;
        Path good = Files.writeString(dir.resolve("good.toml"), config.formatted(api.certFile(), api.keyFile()));
        assertEquals(0, run("config", "check", good.toString()), err.toString());
        Path bad = Files.writeString(dir.resolve("bad.toml"), config.formatted(api.certFile(), other.keyFile()));
        assertEquals(Launcher.CONFIG_ERROR, run("config", "check", bad.toString()));
        assertTrue(err.toString().contains("api.tls_key: the key in " + other.keyFile()
                + " is not the private key of the certificate in " + api.certFile()), err.toString());
    }
}
