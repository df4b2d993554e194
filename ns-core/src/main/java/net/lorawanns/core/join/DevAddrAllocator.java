package net.lorawanns.core.join;

import java.security.SecureRandom;
import java.util.List;
import net.lorawanns.core.types.DevAddr;
import net.lorawanns.core.types.DevAddrPrefix;

/**
 * Hands out DevAddrs at join: a random address in one of the configured prefixes (by default the NetID's whole
 * range). Randomness spreads devices over the address space; a shared DevAddr is allowed (the MIC tells the
 * devices apart), so no allocation table is kept.
 */
public final class DevAddrAllocator {
    private final List<DevAddrPrefix> prefixes;
    private final SecureRandom random = new SecureRandom();

    public DevAddrAllocator(List<DevAddrPrefix> prefixes) {
        if (prefixes.isEmpty()) {
            throw new IllegalArgumentException("at least one DevAddr prefix is needed");
        }
        this.prefixes = List.copyOf(prefixes);
    }

    public DevAddr next() {
        DevAddrPrefix prefix = prefixes.get(random.nextInt(prefixes.size()));
        int suffixBits = 32 - prefix.bits();
        int suffix = suffixBits == 0 ? 0 : random.nextInt() >>> (32 - suffixBits);
        return prefix.withSuffix(suffix);
    }
}
