package net.lorawanns.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An amount of the JVM's heap a cache may take: a share of the maximum heap ({@code "25%"}), which follows the
 * heap the JVM was given, or a size ({@code "256MiB"}, {@code "1GiB"}, {@code "65536KiB"}).
 *
 * @param percentOfHeap 1-90, or 0 when {@code bytes} is given
 * @param bytes the size, or 0 when a share is given
 */
public record MemoryBudget(int percentOfHeap, long bytes) {
    private static final Pattern FORM = Pattern.compile("(\\d{1,12})\\s*(%|KiB|MiB|GiB)");

    /** @throws InvalidSettingException naming {@code key} when {@code text} is neither form */
    static MemoryBudget parse(String key, String text) {
        Matcher m = FORM.matcher(text.trim());
        if (!m.matches()) {
            throw new InvalidSettingException(key, "must be a share of the heap like \"25%\" or a size like "
                    + "\"256MiB\" (KiB, MiB, GiB), got '" + text + "'");
        }
        long amount = Long.parseLong(m.group(1));
        if (m.group(2).equals("%")) {
            return new MemoryBudget(Check.range(key, (int) Math.min(amount, Integer.MAX_VALUE), 1, 90), 0);
        }
        int shift = switch (m.group(2)) {
            case "KiB" -> 10;
            case "MiB" -> 20;
            default -> 30;
        };
        if (amount < 1 || amount > (Long.MAX_VALUE >> shift)) {
            throw new InvalidSettingException(key, "must be a positive size, got '" + text + "'");
        }
        return new MemoryBudget(0, amount << shift);
    }

    /** The budget in bytes for a JVM whose maximum heap is {@code maxHeapBytes}. */
    public long bytes(long maxHeapBytes) {
        return percentOfHeap > 0 ? maxHeapBytes / 100 * percentOfHeap : bytes;
    }

    /** The form it was given in, normalised. */
    @Override
    public String toString() {
        if (percentOfHeap > 0) {
            return percentOfHeap + "%";
        }
        for (String unit : new String[] {"GiB", "MiB"}) {
            int shift = unit.equals("GiB") ? 30 : 20;
            if (bytes % (1L << shift) == 0) {
                return (bytes >> shift) + unit;
            }
        }
        return String.format(Locale.ROOT, "%dKiB", bytes >> 10);
    }
}
