package net.lorawanns.bench.load;

import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import net.lorawanns.core.redis.LuaScript;

/**
 * One of the server's Lua scripts, its text read from the server's own classes: the {@link LuaScript} constant
 * {@code field} of {@code owner}, private there, read by reflection, so that what Redis alone is measured with is
 * the text the server sends and not a copy that could drift from it.
 *
 * @param name the script's metric name in the server (e.g. {@code session_accept})
 * @param source the script's text
 */
record ServerScript(String name, String source) {
    /** @throws IllegalStateException naming the field when the server's classes no longer have it */
    static ServerScript of(Class<?> owner, String field, String name) {
        try {
            Field constant = owner.getDeclaredField(field);
            constant.setAccessible(true);
            Field text = LuaScript.class.getDeclaredField("source");
            text.setAccessible(true);
            byte[] source = (byte[]) text.get(constant.get(null));
            return new ServerScript(name, new String(source, StandardCharsets.UTF_8));
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new IllegalStateException("cannot read the script " + owner.getSimpleName() + "." + field
                    + " from the server's classes: " + e, e);
        }
    }

    /** The SHA-1 Redis names the script by (lower-case hex), as the server computes it. */
    String sha1() {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                    .digest(source.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-1 (MessageDigest's required algorithms)", e);
        }
    }
}
