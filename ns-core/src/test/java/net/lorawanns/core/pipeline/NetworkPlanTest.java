package net.lorawanns.core.pipeline;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.lorawanns.config.ConfigLoader;
import net.lorawanns.config.Settings;
import org.junit.jupiter.api.Test;

/** The network's plan from the settings: what only the running JVM can check is checked here, naming the key. */
class NetworkPlanTest {
    @Test
    void aSessionCacheOverMostOfTheHeapIsRefusedNamingTheKey() throws Exception {
        long overHeapGiB = (Runtime.getRuntime().maxMemory() >> 30) + 1;
        Settings settings = new ConfigLoader(name -> null)
                .parse("[network]\nsession_cache_memory = \"" + overHeapGiB + "GiB\"\n");
        String error = assertThrows(IllegalArgumentException.class,
                () -> NetworkPlan.of(settings.network(), settings.regions())).getMessage();
        assertTrue(error.startsWith("network.session_cache_memory: "), error);
        Settings share = new ConfigLoader(name -> null).parse("[network]\nsession_cache_memory = \"50%\"\n");
        assertTrue(NetworkPlan.of(share.network(), share.regions()).sessionCacheEntries() > 0);
    }
}
