package net.lorawanns.js.audit;

import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import net.lorawanns.config.RedisSettings;
import net.lorawanns.core.redis.RedisKeys;
import net.lorawanns.core.testing.TestRedis;
import net.lorawanns.core.types.Eui64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The audit log in a real Redis stream: order, pages, the DevEUI filter, restarts and its bounds. */
class AuditLogTest {
    private static final Eui64 A = Eui64.parse("70B3D57ED0000001");
    private static final Eui64 B = Eui64.parse("70B3D57ED0000002");

    private Vertx vertx;
    private Redis redis;
    private RedisKeys keys;
    private AuditLog log;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        RedisSettings settings = TestRedis.settings();
        redis = TestRedis.client(vertx, settings);
        keys = new RedisKeys(settings.keyPrefix());
        log = new AuditLog(redis, keys, Duration.ofDays(365), 1_000_000);
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void entriesAreListedNewestFirstInPagesAndSurviveANewInstance() throws Exception {
        Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        AuditEntry provision = new AuditEntry(AuditAction.IMPORT, Optional.of(A), "api-key:0a1b2c3d", at,
                Optional.empty());
        AuditEntry refused = new AuditEntry(AuditAction.EXPORT, Optional.of(A), "api-key:99887766", at,
                Optional.of("to RSA key x"));
        AuditEntry claim = new AuditEntry(AuditAction.CLAIM, Optional.of(A), "api-key:0a1b2c3d", at,
                Optional.of("NetID 000013"));
        AuditEntry other = new AuditEntry(AuditAction.UNLOCK, Optional.of(B), "api-key:0a1b2c3d", at,
                Optional.empty());
        for (AuditEntry entry : List.of(provision, refused, claim, other)) {
            log.record(entry).await(10, TimeUnit.SECONDS);
        }

        AuditLog restarted = new AuditLog(redis, keys, Duration.ofDays(365), 1_000_000);
        AuditPage all = restarted.list(Optional.empty(), 10, Optional.empty()).await(10, TimeUnit.SECONDS);
        assertEquals(List.of(other, claim, refused, provision), entries(all));
        assertEquals(Optional.empty(), all.next());

        AuditPage first = restarted.list(Optional.of(A), 2, Optional.empty()).await(10, TimeUnit.SECONDS);
        assertEquals(List.of(claim, refused), entries(first));
        AuditPage second = restarted.list(Optional.of(A), 2, first.next()).await(10, TimeUnit.SECONDS);
        assertEquals(List.of(provision), entries(second));
        assertEquals(Optional.empty(), second.next());

        String json = all.toJson().encode();
        assertTrue(json.contains("\"action\":\"export\""), json);
        assertTrue(json.contains("\"who\":\"api-key:99887766\""), json);
    }

    /**
     * Refused attempts, which anyone with an API key can make by the thousand, go to a stream of their own with a
     * shorter retention: they never touch the life cycle's stream.
     */
    @Test
    void refusedAttemptsAreKeptApartFromTheLifeCycle() throws Exception {
        AuditEntry claim = AuditEntry.of(AuditAction.CLAIM, A, "api-key:0a1b2c3d", "NetID 000013");
        log.record(claim).await(10, TimeUnit.SECONDS);
        String lifeCycle = redis.send(Request.cmd(Command.XINFO).arg("STREAM").arg(keys.audit()))
                .await(10, TimeUnit.SECONDS).get("last-generated-id").toString();
        for (AuditAction action : List.of(AuditAction.CLAIM_REFUSED, AuditAction.EXPORT_REFUSED,
                AuditAction.UNLOCK_REFUSED)) {
            for (int i = 0; i < 20; i++) {
                log.record(AuditEntry.of(action, Eui64.parse(String.format("70B3D57ED00100%02X", i)),
                        "api-key:99887766", "wrong_token")).await(10, TimeUnit.SECONDS);
            }
        }

        assertEquals(1, redis.send(Request.cmd(Command.XLEN).arg(keys.audit())).await(10, TimeUnit.SECONDS)
                .toInteger(), "the life cycle's stream holds its one entry only");
        assertEquals(lifeCycle, redis.send(Request.cmd(Command.XINFO).arg("STREAM").arg(keys.audit()))
                .await(10, TimeUnit.SECONDS).get("last-generated-id").toString(), "and was not written to");
        assertEquals(List.of(claim.action()), entries(log.list(Optional.empty(), 100, Optional.empty())
                .await(10, TimeUnit.SECONDS)).stream().map(AuditEntry::action).toList());
        AuditPage refused = log.list(AuditLog.Stream.REFUSED, Optional.empty(), 100, Optional.empty())
                .await(10, TimeUnit.SECONDS);
        assertEquals(60, refused.entries().size());
        assertEquals(AuditAction.UNLOCK_REFUSED, refused.entries().get(0).entry().action(), "newest first");
        long ttl = redis.send(Request.cmd(Command.PTTL).arg(keys.auditRefused())).await(10, TimeUnit.SECONDS)
                .toLong();
        assertTrue(ttl > Duration.ofDays(29).toMillis() && ttl <= Duration.ofDays(30).toMillis(),
                "refused attempts are kept 30 days at most, not the log's year: " + ttl);
    }

    /**
     * Provisioning, which re-provisioning stock never owned can repeat without limit, has a stream of its own with the
     * refused attempts' bound and retention; refused imports and manifest rows, and a refused import that names no
     * device, go to the refused attempts'.
     */
    @Test
    void provisioningAndRefusedImportsAreKeptApartFromTheLifeCycle() throws Exception {
        log.record(AuditEntry.of(AuditAction.CLAIM, A, "api-key:0a1b2c3d", "NetID 000013"))
                .await(10, TimeUnit.SECONDS);
        for (int i = 0; i < 30; i++) {
            log.record(AuditEntry.of(AuditAction.PROVISION, A, "api-key:99887766", "re-provisioned"))
                    .await(10, TimeUnit.SECONDS);
        }
        log.record(AuditEntry.of(AuditAction.PROVISION_REFUSED, B, "api-key:99887766", "was_claimed"))
                .await(10, TimeUnit.SECONDS);
        log.record(AuditEntry.of(AuditAction.IMPORT_REFUSED, B, "api-key:99887766", "other_keys"))
                .await(10, TimeUnit.SECONDS);
        log.record(AuditEntry.ofRequest(AuditAction.IMPORT_REFUSED, "api-key:99887766", "refused_jwe: altered"))
                .await(10, TimeUnit.SECONDS);

        assertEquals(List.of(AuditAction.CLAIM), entries(log.list(Optional.empty(), 100, Optional.empty())
                .await(10, TimeUnit.SECONDS)).stream().map(AuditEntry::action).toList(),
                "the life cycle's stream holds its one entry only");
        AuditPage provisioning = log.list(AuditLog.Stream.PROVISIONING, Optional.of(A), 100, Optional.empty())
                .await(10, TimeUnit.SECONDS);
        assertEquals(30, provisioning.entries().size());
        List<AuditEntry> refused = entries(log.list(AuditLog.Stream.REFUSED, Optional.empty(), 100, Optional.empty())
                .await(10, TimeUnit.SECONDS));
        assertEquals(List.of(AuditAction.IMPORT_REFUSED, AuditAction.IMPORT_REFUSED, AuditAction.PROVISION_REFUSED),
                refused.stream().map(AuditEntry::action).toList());
        assertEquals(Optional.empty(), refused.get(0).devEui(), "a refused JWE names no device");
        assertEquals(Optional.of(B), refused.get(1).devEui());
        assertTrue(refused.get(0).toJson().containsKey("dev_eui") && refused.get(0).toJson().getValue("dev_eui")
                == null);
        long ttl = redis.send(Request.cmd(Command.PTTL).arg(keys.auditProvisioning())).await(10, TimeUnit.SECONDS)
                .toLong();
        assertTrue(ttl > Duration.ofDays(29).toMillis() && ttl <= Duration.ofDays(30).toMillis(),
                "provisioning is kept 30 days at most, not the log's year: " + ttl);
    }

    @Test
    void theStreamExpiresAndTrimsEntriesPastTheRetention() throws Exception {
        log.record(AuditEntry.of(AuditAction.CLAIM, A, "api-key:0a1b2c3d", "")).await(10, TimeUnit.SECONDS);
        long ttl = redis.send(Request.cmd(Command.PTTL).arg(keys.audit())).await(10, TimeUnit.SECONDS).toLong();
        assertTrue(ttl > Duration.ofDays(364).toMillis(), "the stream expires a retention after its last entry: " + ttl);

        // A log keeping entries 50 ms trims the older entry once Redis's clock is past it.
        AuditLog brief = new AuditLog(redis, keys, Duration.ofMillis(50), 1_000_000);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        List<AuditEntry> left;
        do {
            brief.record(AuditEntry.of(AuditAction.CLAIM, B, "api-key:0a1b2c3d", "")).await(10, TimeUnit.SECONDS);
            left = entries(brief.list(Optional.of(A), 10, Optional.empty()).await(10, TimeUnit.SECONDS));
        } while (!left.isEmpty() && System.nanoTime() < deadline);
        assertEquals(List.of(), left);
    }

    @Test
    void listingArgumentsAreChecked() throws Exception {
        assertThrows(IllegalArgumentException.class, () -> log.list(Optional.empty(), 0, Optional.empty()));
        assertThrows(IllegalArgumentException.class,
                () -> log.list(Optional.empty(), AuditLog.MAX_LIMIT + 1, Optional.empty()));
        assertThrows(IllegalArgumentException.class, () -> log.list(Optional.empty(), 10, Optional.of("x")));
        // Over 2^64 - 1, which Redis refuses as a stream ID.
        assertThrows(IllegalArgumentException.class,
                () -> log.list(Optional.empty(), 10, Optional.of("99999999999999999999-0")));
        log.record(AuditEntry.of(AuditAction.CLAIM, A, "api-key:0a1b2c3d", "")).await(10, TimeUnit.SECONDS);
        AuditPage beforeTheFirst = log.list(Optional.empty(), 10, Optional.of("0-0")).await(10, TimeUnit.SECONDS);
        assertEquals(List.of(), beforeTheFirst.entries(), "nothing is older than 0-0");
        assertFalse(beforeTheFirst.next().isPresent());
        String longDetail = "x".repeat(AuditEntry.MAX_DETAIL + 50);
        assertEquals(AuditEntry.MAX_DETAIL, AuditEntry.of(AuditAction.CLAIM, A, "api-key:0a1b2c3d", longDetail)
                .detail().orElseThrow().length(), "a long detail is cut, never an error after the step it records");
        assertFalse(AuditEntry.of(AuditAction.EXPORT, A, "api-key:0a1b2c3d", "").detail().isPresent());
    }

    private static List<AuditEntry> entries(AuditPage page) {
        return page.entries().stream().map(AuditPage.Listed::entry).toList();
    }
}
