package io.github.quiesce.ftwrl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.quiesce.BackupEvent;
import io.github.quiesce.BackupOptions;
import io.github.quiesce.BackupSession;
import io.github.quiesce.BinlogCoordinates;
import io.github.quiesce.LockAcquisitionException;
import io.github.quiesce.LongQueryGuard;
import io.github.quiesce.LongQueryKiller;
import io.github.quiesce.WatchdogExpiredException;
import io.github.quiesce.testkit.EmbeddedServer;
import io.github.quiesce.testkit.EmbeddedServers;
import io.github.quiesce.testkit.ServerChecks;
import io.github.quiesce.testkit.ServerDistribution;
import io.github.quiesce.testkit.Writers;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The guards that bound how long FTWRL can stall writers, on a real MySQL 8.0.15: the acquire timeout
 * that cancels our own waiting lock, the opt-in killer, the max-hold watchdog, and the events a
 * listener sees. Latencies are asserted with generous margins; the benchmark reports the exact figures.
 */
class FtwrlStallBoundsIT {

    private static final Logger LOG = LoggerFactory.getLogger(FtwrlStallBoundsIT.class);
    private static final String SCHEMA = "quiesce_it";
    /** A guard that never sees a query of a few seconds: stands for "the query started after the guard looked". */
    private static final LongQueryGuard BLIND_GUARD =
            new LongQueryGuard(Duration.ofSeconds(60), Duration.ofSeconds(1), LongQueryGuard.QueryType.ALL);

    private final EmbeddedServer server = EmbeddedServers.shared(ServerDistribution.MYSQL_8_0_15);

    private String table(String prefix) {
        return Writers.newTable(server, SCHEMA, prefix);
    }

    private Writers writersOn(String table) throws InterruptedException {
        return Writers.running(server, SCHEMA, table);
    }

    private static BackupOptions.Builder ftwrl() {
        return BackupOptions.builder().strategy(FtwrlStrategy.NAME).lockWaitTimeout(Duration.ofSeconds(30));
    }

    /**
     * A long SELECT that starts right after the pre-flush, the window no guard can see: FTWRL then holds the
     * global read lock while it waits for that query's table. Started from the listener, on the session's
     * own thread, so the race is the same every run.
     */
    private static BackupOptions.Builder longQueryAfterPreFlush(
            BackupOptions.Builder b,
            EmbeddedServer server,
            String table,
            int seconds,
            AtomicReference<CompletableFuture<Long>> started) {
        AtomicBoolean once = new AtomicBoolean();
        return b.listener(e -> {
            if (e instanceof BackupEvent.StatementExecuted s
                    && s.statement().equals(FtwrlStrategy.PRE_FLUSH)
                    && once.compareAndSet(false, true)) {
                started.set(ServerChecks.runAsync(
                        server, "SELECT SLEEP(" + seconds + "), COUNT(*) FROM " + SCHEMA + "." + table));
                sleep(300);
            }
        });
    }

    @Test
    void aLongQueryThatStartsAfterTheGuardLookedStallsWritersOnlyUntilTheAcquireTimeoutCancelsOurFtwrl()
            throws Exception {
        String written = table("written");
        String other = table("read");
        try (Writers writers = writersOn(written)) {
            List<BackupEvent> events = new CopyOnWriteArrayList<>();
            AtomicReference<CompletableFuture<Long>> query = new AtomicReference<>();
            BackupOptions bounded = longQueryAfterPreFlush(ftwrl(), server, other, 3, query)
                    .longQueryGuard(BLIND_GUARD)
                    .acquireTimeout(Duration.ofMillis(300))
                    .acquireRetries(30)
                    .listener(events::add)
                    .build();
            long from = System.nanoTime();
            BinlogCoordinates c;
            try (BackupSession s = BackupSession.open(server.dataSource(), bounded)) {
                c = s.coordinates();
            }
            double boundedWorst = writers.worstLatencyMillis(from, System.nanoTime());
            assertThat(query.get().get(10, TimeUnit.SECONDS))
                    .as("our cancel never touched the long query")
                    .isGreaterThanOrEqualTo(2_500);
            List<BackupEvent.LockAttemptCancelled> cancelled = events.stream()
                    .filter(BackupEvent.LockAttemptCancelled.class::isInstance)
                    .map(BackupEvent.LockAttemptCancelled.class::cast)
                    .toList();

            BackupOptions unbounded = longQueryAfterPreFlush(ftwrl(), server, other, 3, query)
                    .longQueryGuard(BLIND_GUARD)
                    .acquireTimeout(Duration.ofSeconds(30))
                    .build();
            from = System.nanoTime();
            try (BackupSession s = BackupSession.open(server.dataSource(), unbounded)) {
                s.coordinates();
            }
            writers.awaitCommitted(writers.committed() + 8, 10_000);
            double unboundedWorst = writers.worstLatencyMillis(from, System.nanoTime());
            query.get().get(10, TimeUnit.SECONDS);

            LOG.info(
                    "long query started after the guard: worst writer commit with acquireTimeout=300ms {} ms ({} cancelled attempts),"
                            + " without {} ms",
                    boundedWorst,
                    cancelled.size(),
                    unboundedWorst);
            assertThat(cancelled).as("FTWRL was cancelled and retried").isNotEmpty();
            assertThat(cancelled.get(0).statement()).isEqualTo(FtwrlStrategy.LOCK);
            assertThat(unboundedWorst)
                    .as("FTWRL waiting behind the query holds every writer")
                    .isGreaterThan(2_000);
            assertThat(boundedWorst)
                    .as("bounded by the acquire timeout, vs %s ms unbounded", unboundedWorst)
                    .isLessThan(1_000);
            assertThat(c.gtidSet()).isNotBlank();
            assertThat(writers.errors()).isEmpty();
        }
        assertThat(ServerChecks.globalMetadataLocks(server)).isZero();
    }

    @Test
    void whenEveryAttemptIsCancelledTheErrorNamesTheQueryAndNothingStaysLocked() throws Exception {
        String other = table("read");
        AtomicReference<CompletableFuture<Long>> query = new AtomicReference<>();
        BackupOptions options = longQueryAfterPreFlush(ftwrl(), server, other, 3, query)
                .longQueryGuard(BLIND_GUARD)
                .acquireTimeout(Duration.ofMillis(200))
                .acquireRetries(1)
                .build();
        assertThatThrownBy(() -> BackupSession.open(server.dataSource(), options))
                .isInstanceOf(LockAcquisitionException.class)
                .hasMessageContaining("acquireTimeout=200 ms")
                .hasMessageContaining("2 attempt(s)")
                .hasMessageContaining("SELECT SLEEP(3)");
        assertThat(ServerChecks.completesWithin(
                        server, "INSERT INTO " + SCHEMA + "." + table("after") + " (writer, seq) VALUES (0, 0)", 2_000))
                .as("no global read lock left behind")
                .isTrue();
        query.get().get(10, TimeUnit.SECONDS);
        assertThat(ServerChecks.globalMetadataLocks(server)).isZero();
    }

    @Test
    void theOptInKillerEndsOnlyTheSelectTheGuardWaitsFor() throws Exception {
        String table = table("kill");
        List<BackupEvent> events = new CopyOnWriteArrayList<>();
        CompletableFuture<Long> select =
                ServerChecks.runAsync(server, "SELECT SLEEP(20), COUNT(*) FROM " + SCHEMA + "." + table);
        CompletableFuture<Long> update = ServerChecks.runAsync(server, "DO SLEEP(4)");
        CompletableFuture<Long> idle = ServerChecks.runAsync(server, "SELECT SLEEP(0.1)");
        Thread.sleep(1_300);
        BackupOptions options = ftwrl().killLongQueries(LongQueryKiller.selectsAfter(Duration.ofMillis(500)))
                .listener(events::add)
                .build();
        long from = System.nanoTime();
        try (BackupSession s = BackupSession.open(server.dataSource(), options)) {
            s.coordinates();
        }
        long tookMs = (System.nanoTime() - from) / 1_000_000;

        assertThat(select.get(5, TimeUnit.SECONDS))
                .as("the SELECT was killed (an interrupted SLEEP returns early)")
                .isLessThan(10_000);
        assertThat(update.get(5, TimeUnit.SECONDS))
                .as("the non-SELECT ran to its end")
                .isGreaterThanOrEqualTo(3_900);
        assertThat(idle).isCompleted();
        List<BackupEvent.LongQueryKilled> killed = events.stream()
                .filter(BackupEvent.LongQueryKilled.class::isInstance)
                .map(BackupEvent.LongQueryKilled.class::cast)
                .toList();
        assertThat(killed).hasSize(1);
        assertThat(killed.get(0).victim().query()).startsWith("SELECT SLEEP(20)");
        assertThat(tookMs)
                .as("the guard still waited for the statement it may not kill")
                .isGreaterThan(2_000);
    }

    @Test
    void theWatchdogReleasesASessionHeldTooLongAndCloseSaysSo() throws Exception {
        List<BackupEvent> events = new CopyOnWriteArrayList<>();
        BackupOptions options = ftwrl().maxLockHold(Duration.ofMillis(700))
                .listener(events::add)
                .build();
        String table = table("watchdog");
        BackupSession s = BackupSession.open(server.dataSource(), options);
        BinlogCoordinates c = s.coordinates();
        assertThat(ServerChecks.completesWithin(
                        server, "INSERT INTO " + SCHEMA + "." + table + " (writer, seq) VALUES (0, 0)", 200))
                .as("held: writers wait")
                .isFalse();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (s.isOpen() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(s.isOpen()).as("the watchdog ended the session").isFalse();
        assertThat(ServerChecks.completesWithin(
                        server, "INSERT INTO " + SCHEMA + "." + table + " (writer, seq) VALUES (1, 1)", 2_000))
                .as("released: a write commits at once")
                .isTrue();
        assertThat(ServerChecks.globalMetadataLocks(server)).isZero();
        assertThat(s.coordinates()).as("what was read stays readable").isEqualTo(c);

        assertThatThrownBy(s::close)
                .isInstanceOf(WatchdogExpiredException.class)
                .hasMessageContaining("maxLockHold=PT0.7S")
                .satisfies(e -> assertThat(((WatchdogExpiredException) e).rolledBack())
                        .anyMatch(step -> step.startsWith(FtwrlStrategy.UNLOCK)));
        s.close();
        assertThat(events).anyMatch(BackupEvent.WatchdogFired.class::isInstance);
        assertThat(events)
                .filteredOn(BackupEvent.LockReleased.class::isInstance)
                .singleElement()
                .satisfies(e -> assertThat(((BackupEvent.LockReleased) e).why()).contains("watchdog"));
        assertThat(s.timings().lockHeld()).isBetween(Duration.ofMillis(600), Duration.ofSeconds(5));
    }

    @Test
    void aListenerSeesEveryPhaseInOrderAndTheTimingsAddUp() throws Exception {
        String table = table("phases");
        List<BackupEvent> events = new CopyOnWriteArrayList<>();
        CompletableFuture<Long> query =
                ServerChecks.runAsync(server, "SELECT SLEEP(2), COUNT(*) FROM " + SCHEMA + "." + table);
        Thread.sleep(1_200);
        BackupSession s = BackupSession.open(
                server.dataSource(), ftwrl().listener(events::add).build());
        try (s) {
            s.coordinates();
        }
        query.get(10, TimeUnit.SECONDS);
        List<Class<?>> phases = events.stream()
                .filter(e -> !(e instanceof BackupEvent.StatementExecuted))
                .<Class<?>>map(Object::getClass)
                .toList();
        assertThat(phases)
                .containsExactly(
                        BackupEvent.Probed.class,
                        BackupEvent.StrategyChosen.class,
                        BackupEvent.LockRequested.class,
                        BackupEvent.WaitingForLongQueries.class,
                        BackupEvent.WaitedForLongQueries.class,
                        BackupEvent.LockAcquired.class,
                        BackupEvent.CoordinatesCaptured.class,
                        BackupEvent.LockReleased.class,
                        BackupEvent.StateRestored.class);
        assertThat(events)
                .filteredOn(BackupEvent.StatementExecuted.class::isInstance)
                .map(e -> ((BackupEvent.StatementExecuted) e).statement())
                .contains(FtwrlStrategy.PRE_FLUSH, FtwrlStrategy.LOCK, FtwrlStrategy.UNLOCK);
        assertThat(((BackupEvent.WaitingForLongQueries) events.stream()
                                .filter(BackupEvent.WaitingForLongQueries.class::isInstance)
                                .findFirst()
                                .orElseThrow())
                        .blockers())
                .anyMatch(b -> b.query().startsWith("SELECT SLEEP(2)"));
        var t = s.timings();
        assertThat(t.longQueryWait()).as("the guard waited for the query").isGreaterThan(Duration.ofMillis(300));
        assertThat(t.lockWait()).isGreaterThanOrEqualTo(t.longQueryWait());
        assertThat(t.probe()).isPositive();
        assertThat(t.release()).isPositive();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
