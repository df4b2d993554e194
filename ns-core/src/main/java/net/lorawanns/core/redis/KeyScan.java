package net.lorawanns.core.redis;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * A SCAN of every key matching a pattern, to the end, on every master: the one master of a standalone or Sentinel
 * set-up, each master of a Redis Cluster (a SCAN sent to a Cluster reaches one node only, which holds only its own
 * slots' keys). Pages are handed over one at a time, each after the previous one's future completed; callbacks
 * run on the Vert.x context the replies complete on.
 *
 * <p>A Cluster client routes a request by its keys only, so the SCAN of a given master runs inside a script whose
 * single key (never read nor written) is in a slot that master serves. The slot table is read before and after:
 * if slots moved between masters meanwhile, some keys may have been missed and the scan fails.
 */
public final class KeyScan {
    private static final int COUNT = 500;
    private static final LuaScript SCAN = new LuaScript("key_scan", """
            return redis.call('SCAN', ARGV[1], 'MATCH', ARGV[2], 'COUNT', ARGV[3])
            """);

    private KeyScan() {
    }

    /**
     * Hands every key matching {@code pattern} to {@code page}, page by page, and completes when every master was
     * scanned to the end and every page's future succeeded; fails on the first failure. A key written or deleted
     * during the scan may or may not be handed over; a key that exists throughout is handed over at least once.
     */
    public static Future<Void> forEachPage(Redis redis, String pattern, Function<List<String>, Future<?>> page) {
        return forEachPage(redis, pattern, Position.START, (keys, after) -> keys.isEmpty() ? Future.succeededFuture()
                : page.apply(keys));
    }

    /**
     * As {@link #forEachPage(Redis, String, Function)}, from {@code from} (a position an earlier scan handed over, or
     * {@link Position#START}); each page comes with the position after it, from which a later scan goes on where this
     * one stopped. A position of another slot table (masters added or slots moved since) starts over.
     */
    public static Future<Void> forEachPage(Redis redis, String pattern, Position from,
                                           BiFunction<List<String>, Position, Future<?>> page) {
        return redis.send(Request.cmd(Command.INFO).arg("cluster")).compose(info -> {
            if (!info.toString().contains("cluster_enabled:1")) {
                Position start = from.slots().equals(Position.STANDALONE) ? from : Position.START;
                return start.master() > 0 ? Future.succeededFuture()
                        : scan(redis, pattern, page, null, Position.STANDALONE, 0, start.cursor());
            }
            return redis.send(Request.cmd(Command.CLUSTER).arg("SLOTS")).compose(before -> {
                String slots = Integer.toHexString(table(before).hashCode());
                Position start = from.slots().equals(slots) ? from : new Position(slots, 0, "0");
                List<String> routes = routesToMasters(before);
                Future<Void> all = Future.succeededFuture();
                for (int i = start.master(); i < routes.size(); i++) {
                    int master = i;
                    String cursor = i == start.master() ? start.cursor() : "0";
                    all = all.compose(v -> scan(redis, pattern, page, routes.get(master), slots, master, cursor));
                }
                return all.compose(v -> redis.send(Request.cmd(Command.CLUSTER).arg("SLOTS")))
                        .compose(after -> table(after).equals(table(before)) ? Future.succeededFuture()
                                : Future.failedFuture(new IllegalStateException("Redis Cluster slots moved between "
                                        + "masters during the scan of " + pattern + ": keys may have been missed; "
                                        + "run it again")));
            });
        });
    }

    private static Future<Void> scan(Redis redis, String pattern, BiFunction<List<String>, Position, Future<?>> page,
                                     String route, String slots, int master, String cursor) {
        Future<Response> reply = route == null
                ? redis.send(Request.cmd(Command.SCAN).arg(cursor).arg("MATCH").arg(pattern).arg("COUNT").arg(COUNT))
                : SCAN.run(redis, new String[] {route}, cursor, pattern, COUNT);
        return reply.compose(result -> {
            List<String> keys = new ArrayList<>();
            for (Response key : result.get(1)) {
                keys.add(key.toString());
            }
            String next = result.get(0).toString();
            Position after = next.equals("0") ? new Position(slots, master + 1, "0") : new Position(slots, master, next);
            return page.apply(keys, after).compose(v -> next.equals("0") ? Future.succeededFuture()
                    : scan(redis, pattern, page, route, slots, master, next));
        });
    }

    /**
     * Where a scan stands: the slot table it ran under (a fingerprint; {@link #STANDALONE} for one master), the index
     * of the master it is at (masters in the order of their lowest slot; past the last when done) and the SCAN cursor
     * on it. Its {@link #toString()} form is what {@link #parse} reads back.
     */
    public record Position(String slots, int master, String cursor) {
        public static final String STANDALONE = "-";
        /** The beginning, whatever the slot table (it names none). */
        public static final Position START = new Position("none", 0, "0");

        /** A position as {@link #toString()} wrote it; {@link #START} for anything else. */
        public static Position parse(String text) {
            String[] parts = text.split(" ");
            if (parts.length != 3 || !parts[1].matches("[0-9]{1,4}") || !parts[2].matches("[0-9]{1,20}")) {
                return START;
            }
            return new Position(parts[0], Integer.parseInt(parts[1]), parts[2]);
        }

        @Override
        public String toString() {
            return slots + " " + master + " " + cursor;
        }
    }

    /** For each master of a CLUSTER SLOTS reply, a key in one of its slots. */
    private static List<String> routesToMasters(Response slots) {
        List<String> masters = new ArrayList<>();
        List<String> routes = new ArrayList<>();
        List<Response> ranges = new ArrayList<>();
        slots.forEach(ranges::add);
        ranges.sort(Comparator.comparingInt(range -> range.get(0).toInteger()));
        for (Response range : ranges) {
            String master = nodeId(range);
            if (!masters.contains(master)) {
                masters.add(master);
                routes.add(routeTo(range.get(0).toInteger(), range.get(1).toInteger()));
            }
        }
        return routes;
    }

    /** A key whose hash tag puts it in a slot between {@code first} and {@code last}. */
    private static String routeTo(int first, int last) {
        for (int tag = 0; ; tag++) {
            int slot = HashSlot.of("{" + tag + "}");
            if (slot >= first && slot <= last) {
                return "{" + tag + "}";
            }
        }
    }

    /** The slot ranges with their masters' IDs, to compare two CLUSTER SLOTS replies. */
    private static List<String> table(Response slots) {
        List<String> table = new ArrayList<>();
        for (Response range : slots) {
            table.add(range.get(0) + "-" + range.get(1) + ":" + nodeId(range));
        }
        table.sort(null);
        return table;
    }

    /** The master of a CLUSTER SLOTS range: its node ID (the third field of the node), else its address. */
    private static String nodeId(Response range) {
        Response master = range.get(2);
        return master.size() > 2 ? master.get(2).toString() : master.get(0) + ":" + master.get(1);
    }
}
