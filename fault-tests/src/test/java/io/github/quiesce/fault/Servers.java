package io.github.quiesce.fault;

import io.github.quiesce.testkit.EmbeddedServer;
import io.github.quiesce.testkit.EmbeddedServers;
import io.github.quiesce.testkit.ReplicaPair;
import io.github.quiesce.testkit.ServerConfig;
import io.github.quiesce.testkit.ServerDistribution;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The servers of this module, started on first use and kept for the JVM. Fault tests restart them,
 * which is why the fault suite runs in its own module and JVM, away from tests that share servers.
 */
final class Servers {

    private static final Map<ServerDistribution, ReplicaPair> PAIRS = new ConcurrentHashMap<>();

    private Servers() {}

    static EmbeddedServer single(ServerDistribution distribution) {
        return EmbeddedServers.shared(distribution);
    }

    /** Replicas run the event scheduler (MySQL 8.0's default, not MariaDB's), which read-only's server-side guard needs. */
    static ReplicaPair pair(ServerDistribution distribution) {
        // The testkit stops every server it started when the JVM exits.
        return PAIRS.computeIfAbsent(
                distribution, d -> ReplicaPair.start(d, ServerConfig.defaults().withEventScheduler(true)));
    }
}
