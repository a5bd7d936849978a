package io.github.quiesce.testkit;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Servers shared by every test class of a JVM (one per distribution), started on first use and
 * stopped at JVM exit. Tests on a shared server must leave global state as they found it; tests that
 * restart, kill or reconfigure a server start their own with {@link EmbeddedServer#start}.
 */
public final class EmbeddedServers {

    private static final Map<ServerDistribution, EmbeddedServer> SHARED = new ConcurrentHashMap<>();

    private EmbeddedServers() {}

    public static EmbeddedServer shared(ServerDistribution distribution) {
        return SHARED.computeIfAbsent(distribution, EmbeddedServer::start);
    }
}
