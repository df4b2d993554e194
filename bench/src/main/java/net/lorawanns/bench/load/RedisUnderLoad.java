package net.lorawanns.bench.load;

import java.net.URI;
import java.util.List;
import java.util.stream.Collectors;
import net.lorawanns.core.redis.EmbeddedRedis;
import net.lorawanns.core.testing.TestRedisCluster;

/** The Redis the load generator's server runs on: one embedded Redis, or a three-master Cluster of local processes. */
interface RedisUnderLoad extends AutoCloseable {
    /** The {@code [redis]} keys that point the server at it. */
    String toml();

    /** The ports of its servers (the masters of a Cluster), whose INFO the report reads. */
    List<Integer> ports();

    @Override
    void close();

    /** @param mode {@code standalone} or {@code cluster} */
    static RedisUnderLoad start(String mode) {
        if (mode.equals("cluster")) {
            TestRedisCluster cluster = TestRedisCluster.start();
            return new RedisUnderLoad() {
                @Override
                public String toml() {
                    return "mode = \"cluster\"\nservers = [" + cluster.urls().stream().map(url -> '"' + url + '"')
                            .collect(Collectors.joining(", ")) + "]";
                }

                @Override
                public List<Integer> ports() {
                    return cluster.urls().stream().map(url -> URI.create(url).getPort()).toList();
                }

                @Override
                public void close() {
                    cluster.close();
                }
            };
        }
        if (!mode.equals("standalone")) {
            throw new IllegalArgumentException("load.redis is standalone or cluster, got " + mode);
        }
        EmbeddedRedis redis = EmbeddedRedis.start();
        return new RedisUnderLoad() {
            @Override
            public String toml() {
                return "servers = [\"" + redis.url() + "\"]";
            }

            @Override
            public List<Integer> ports() {
                return List.of(redis.port());
            }

            @Override
            public void close() {
                redis.close();
            }
        };
    }
}
