package io.github.quiesce.it;

import io.github.quiesce.testkit.EmbeddedServer;
import io.github.quiesce.testkit.ReplicaPair;
import io.github.quiesce.testkit.ServerConfig;
import io.github.quiesce.testkit.restore.ReplayOracle;
import io.github.quiesce.testkit.restore.ReplicationSource;
import io.github.quiesce.testkit.restore.RestoreTarget;
import java.time.Duration;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * The servers of the restore matrix, started before the first round (a server takes seconds to start, a
 * round about one, so starting them in parallel is most of what can be saved) and reused by every round.
 * Targets are shared by sources of the same distribution and GTID mode, since each restore wipes its
 * target first.
 */
final class ReplayServers implements AutoCloseable {

    /** Target server ids: distinct from every source's (1) and replica's (2). */
    private static final int FIRST_TARGET_ID = 101;

    private final Map<ReplaySource, Setup> setups = new EnumMap<>(ReplaySource.class);
    private final Set<String> accounts = ConcurrentHashMap.newKeySet();
    private final List<AutoCloseable> started = new CopyOnWriteArrayList<>();
    private final AtomicInteger targetIds = new AtomicInteger(FIRST_TARGET_ID);

    /** Where the workload writes and the copy replays from, where the session runs, and the round runner. */
    record Setup(EmbeddedServer source, EmbeddedServer sessionServer, ReplayOracle oracle) {}

    /** The servers a point is taken on, and, on a replica, how to wait for it to apply what its source did. */
    private record Origin(EmbeddedServer source, EmbeddedServer sessionServer, Runnable caughtUp) {}

    private ReplayServers() {}

    /** Starts what {@code sources} need; on a failure stops what did start. */
    static ReplayServers start(Collection<ReplaySource> sources) {
        ReplayServers servers = new ReplayServers();
        ExecutorService pool = Executors.newCachedThreadPool();
        try {
            Map<String, CompletableFuture<RestoreTarget>> targets = new HashMap<>();
            Map<ReplaySource, CompletableFuture<Setup>> setups = new EnumMap<>(ReplaySource.class);
            for (ReplaySource s : sources) {
                CompletableFuture<RestoreTarget> target = targets.computeIfAbsent(
                        targetKey(s), k -> CompletableFuture.supplyAsync(() -> servers.startTarget(s), pool));
                setups.put(
                        s,
                        CompletableFuture.supplyAsync(() -> servers.startOrigin(s), pool)
                                .thenCombine(
                                        target,
                                        (origin, t) -> new Setup(
                                                origin.source(),
                                                origin.sessionServer(),
                                                new ReplayOracle(
                                                        ReplicationSource.on(origin.source()),
                                                        t,
                                                        s.modes(),
                                                        origin.caughtUp()))));
            }
            // Every start ends before any failure is thrown, so close() below sees every server that started.
            CompletableFuture.allOf(setups.values().toArray(CompletableFuture[]::new))
                    .exceptionally(e -> null)
                    .join();
            setups.forEach((s, f) -> servers.setups.put(s, f.join()));
            return servers;
        } catch (RuntimeException e) {
            servers.close();
            throw e;
        } finally {
            pool.shutdown();
        }
    }

    private static String targetKey(ReplaySource s) {
        return s.distribution() + (s.gtid() ? "/gtid" : "/no-gtid");
    }

    private RestoreTarget startTarget(ReplaySource s) {
        ServerConfig config = RestoreTarget.config(s.gtid(), targetIds.getAndIncrement());
        return new RestoreTarget(started(EmbeddedServer.start(s.distribution(), config)));
    }

    private Origin startOrigin(ReplaySource s) {
        if (s.replica()) {
            ReplicaPair pair = started(ReplicaPair.start(s.distribution()));
            return new Origin(pair.source(), pair.replica(), () -> pair.awaitCaughtUp(Duration.ofSeconds(30)));
        }
        EmbeddedServer source = started(
                EmbeddedServer.start(s.distribution(), ServerConfig.defaults().withGtid(s.gtid())));
        return new Origin(source, source, () -> {});
    }

    Setup setup(ReplaySource s) {
        Setup setup = setups.get(s);
        if (setup == null) {
            throw new IllegalStateException(s + " was not started");
        }
        return setup;
    }

    /** The account's DataSource on the server the session runs on, creating the account once. */
    DataSource dataSource(ReplaySource s, ReplayAccount account) {
        EmbeddedServer server = setup(s).sessionServer();
        if (account == ReplayAccount.ROOT) {
            return server.dataSource();
        }
        if (accounts.add(server.port() + "/" + account.user())) {
            server.createUser(account.user(), account.password(), account.privileges(s.mariaDb()));
        }
        return server.dataSource(account.user(), account.password());
    }

    private <T extends AutoCloseable> T started(T server) {
        started.add(server);
        return server;
    }

    /** Stops every server at once: each clean shutdown takes seconds, mostly waiting on its own disk flush. */
    @Override
    public void close() {
        ExecutorService pool = Executors.newCachedThreadPool();
        try {
            CompletableFuture.allOf(started.stream()
                            .map(c -> CompletableFuture.runAsync(() -> closeQuietly(c), pool))
                            .toArray(CompletableFuture[]::new))
                    .join();
        } finally {
            pool.shutdown();
        }
        started.clear();
    }

    private static void closeQuietly(AutoCloseable server) {
        try {
            server.close();
        } catch (Exception e) {
            // Each server is stopped on its own; the JVM's shutdown hook catches any left behind.
        }
    }
}
