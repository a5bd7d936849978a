package io.github.quiesce.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import io.github.quiesce.BackupEvent;
import io.github.quiesce.BackupOptions;
import io.github.quiesce.BackupSession;
import io.github.quiesce.BinlogCoordinates;
import io.github.quiesce.ReplicaSource;
import io.github.quiesce.readonly.ReadOnlyStrategy;
import io.github.quiesce.testkit.EmbeddedServer;
import io.github.quiesce.testkit.restore.Capture;
import io.github.quiesce.testkit.restore.LongQuery;
import io.github.quiesce.testkit.restore.ReplayMode;
import io.github.quiesce.testkit.restore.ReplayPoint;
import io.github.quiesce.testkit.restore.Round;
import io.github.quiesce.testkit.restore.ShopWorkload;
import io.github.quiesce.testkit.restore.UnlockedSnapshot;
import io.github.quiesce.testkit.restore.Verdict;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 14's restore-and-replay test: the copy made through {@code snapshotConnections(3)} is loaded into
 * a fresh server, which replays the source's log from {@code coordinates()} with the server's own
 * replication (by GTID and by file and position) and must then hold exactly the source's rows. Every
 * strategy, GTID on and off, with and without RELOAD, with and without a long query running, on MySQL
 * 8.0.15 and MariaDB 11.4.5, and the managed cloud master user (issue 17: no RELOAD, BACKUP_ADMIN or SUPER), and on replicas with read-only (the copy replays from the source at
 * {@code replicaSource()}); on MySQL 5.7.22, 8.0.12 and MariaDB 10.2.11, 10.11.5 (issue 15) each lock there
 * and auto, as root, with the long query. The deliberately wrong reference (coordinates read before unlocked
 * snapshots) must be caught, or the test proves nothing. The table of outcomes is printed at the end.
 *
 * <p>To dig into one cell: {@code -Dquiesce.restore.only=<label text>} runs the combinations whose label
 * contains it, {@code -Dquiesce.restore.rounds=N} runs N rounds each, and
 * {@code -Dquiesce.restore.long-query-lead-ms=M} starts the long query M ms before the session (the
 * long-query guard counts a statement as long from 50 ms, so at the default 100 it sees it; before
 * issue 14 it needed 1,000).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RestoreReplayIT {

    private static final Logger LOG = LoggerFactory.getLogger(RestoreReplayIT.class);
    private static final int ROUNDS = Integer.getInteger("quiesce.restore.rounds", 3);
    /** Rounds per combination on the other versions (issue 15), kept to one for CI's time. */
    private static final int VERSION_ROUNDS = Integer.getInteger("quiesce.restore.version-rounds", 1);

    private static final int WRONG_REFERENCE_ROUNDS = 5;
    private static final int SNAPSHOTS = 3;
    private static final Duration LONG_QUERY = Duration.ofSeconds(4);
    /** The long query starts this long before the session opens, as a report that began just before the backup. */
    private static final long LONG_QUERY_LEAD_MILLIS = Long.getLong("quiesce.restore.long-query-lead-ms", 100);

    private static final Duration UNLOCKED_GAP = Duration.ofMillis(50);

    /** Runs only the combinations whose label contains this text, e.g. "GTID off | mysql-instance-lock". */
    private static final String ONLY = System.getProperty("quiesce.restore.only", "");

    private static final List<ReplaySource> WRONG_REFERENCE_SOURCES =
            List.of(ReplaySource.MYSQL_GTID, ReplaySource.MARIADB);

    private final ReplayTally tally = new ReplayTally();
    private ReplayServers servers;

    @TempDir
    Path journals;

    Stream<ReplayCombination> onSources() {
        return selected(List.of(ReplaySource.MYSQL_GTID, ReplaySource.MYSQL_NO_GTID, ReplaySource.MARIADB));
    }

    Stream<ReplayCombination> onReplicas() {
        return selected(List.of(ReplaySource.MYSQL_REPLICA, ReplaySource.MARIADB_REPLICA));
    }

    Stream<ReplayCombination> onOtherVersions() {
        return ReplayCombination.rootWithLongQuery(List.of(
                        ReplaySource.MYSQL_5_7,
                        ReplaySource.MYSQL_8_0_12,
                        ReplaySource.MARIADB_10_2,
                        ReplaySource.MARIADB_10_11))
                .filter(c -> c.label().contains(ONLY));
    }

    Stream<ReplaySource> wrongReferences() {
        return WRONG_REFERENCE_SOURCES.stream()
                .filter(s -> wrongReferenceLabel(s).contains(ONLY));
    }

    private static Stream<ReplayCombination> selected(List<ReplaySource> sources) {
        return ReplayCombination.all(sources).filter(c -> c.label().contains(ONLY));
    }

    @BeforeAll
    void startServers() {
        Set<ReplaySource> needed = EnumSet.noneOf(ReplaySource.class);
        Stream.of(onSources(), onReplicas(), onOtherVersions()).flatMap(c -> c).forEach(c -> needed.add(c.source()));
        wrongReferences().forEach(needed::add);
        long t0 = System.nanoTime();
        servers = ReplayServers.start(needed);
        LOG.info("Started the servers of {} in {} ms", needed, (System.nanoTime() - t0) / 1_000_000);
    }

    // Dynamic tests, not parameterized ones: a -Dquiesce.restore.only filter may leave a group empty.
    @TestFactory
    Stream<DynamicTest> aCopyAtTheSourceCoordinatesReplaysToTheSourceRows() {
        return onSources().map(c -> dynamicTest(c.label(), () -> judge(c, ROUNDS)));
    }

    @TestFactory
    Stream<DynamicTest> aCopyOfAReplicaReplaysFromItsSourceToTheSourceRows() {
        return onReplicas().map(c -> dynamicTest(c.label(), () -> judge(c, ROUNDS)));
    }

    @TestFactory
    Stream<DynamicTest> aCopyOnEveryOtherVersionReplaysToTheSourceRows() {
        return onOtherVersions().map(c -> dynamicTest(c.label(), () -> judge(c, VERSION_ROUNDS)));
    }

    @TestFactory
    Stream<DynamicTest> theUnlockedReferenceIsCaught() {
        return wrongReferences().map(s -> dynamicTest(wrongReferenceLabel(s), () -> catchesTheUnlockedReference(s)));
    }

    private void catchesTheUnlockedReference(ReplaySource s) {
        ReplayServers.Setup setup = servers.setup(s);
        String name = wrongReferenceLabel(s);
        int diverged = 0;
        for (int i = 0; i < WRONG_REFERENCE_ROUNDS; i++) {
            Round round = setup.oracle().round(() -> UnlockedSnapshot.take(setup.source(), SNAPSHOTS, UNLOCKED_GAP));
            log(name, i, round);
            tally.add(name, round);
            diverged += round.verdicts().values().stream().anyMatch(v -> v.is(Verdict.Outcome.DIVERGED)) ? 1 : 0;
        }
        assertThat(diverged)
                .as("rounds of the wrong reference caught out of " + WRONG_REFERENCE_ROUNDS)
                .isPositive();
    }

    @AfterAll
    void printTableAndStop() {
        String table = tally.table();
        String title = "Restore-and-replay (issue 14), " + ROUNDS + " rounds per combination (" + VERSION_ROUNDS
                + " on the other versions)";
        System.out.println("\n" + title + ":\n" + table);
        LOG.info("{}:\n{}", title, table);
        if (servers != null) {
            servers.close();
        }
    }

    private static String wrongReferenceLabel(ReplaySource s) {
        return s.label() + " | wrong reference (coordinates, then unlocked snapshots)";
    }

    private void judge(ReplayCombination c, int roundCount) {
        ReplayServers.Setup setup = servers.setup(c.source());
        DataSource account = servers.dataSource(c.source(), c.account());
        List<Round> rounds = new ArrayList<>();
        for (int i = 0; i < roundCount; i++) {
            AtomicBoolean locked = new AtomicBoolean();
            Round round = setup.oracle().round(() -> quiesce(c, setup, account, locked));
            log(c.label(), i, round);
            tally.add(c.label(), round);
            rounds.add(round);
            if (c.refusalExpected()) {
                assertThat(locked)
                        .as("refused before anything was locked: " + round)
                        .isFalse();
            } else if (!c.refusalAllowed()) {
                // At once: a refusal can take the long-query guard's whole timeout, and one is already a failure.
                assertThat(round.verdicts().values())
                        .as("refused where a point is owed: " + c.label())
                        .noneMatch(v -> v.is(Verdict.Outcome.REFUSED));
            }
        }
        for (ReplayMode mode : c.source().modes()) {
            String what = c.label() + " " + mode.label() + ": " + rounds;
            assertThat(tally.count(c.label(), mode, Verdict.Outcome.DIVERGED))
                    .as("diverged, " + what)
                    .isZero();
            int refused = tally.count(c.label(), mode, Verdict.Outcome.REFUSED);
            if (c.refusalExpected()) {
                assertThat(refused).as("refused, " + what).isEqualTo(roundCount);
            } else if (!c.refusalAllowed()) {
                assertThat(refused).as("refused, " + what).isZero();
            }
        }
    }

    /**
     * The usage the README gives for a parallel dump: open, take the snapshots, read the coordinates,
     * close at once; the dump happens after. A long query, if any, runs from just before the session to
     * just after it, and is killed then so the next round starts without it.
     */
    private Capture quiesce(ReplayCombination c, ReplayServers.Setup setup, DataSource account, AtomicBoolean locked) {
        BackupOptions.Builder options = BackupOptions.builder()
                .strategy(c.strategy())
                .journalDirectory(journals)
                .listener(e -> {
                    if (e instanceof BackupEvent.LockAcquired) {
                        locked.set(true);
                    }
                });
        if (c.source().replica()) {
            options.set(ReadOnlyStrategy.STOP_REPLICA_SQL_THREAD, true);
        }
        // try-with-resources skips a null resource: no long query in that combination.
        EmbeddedServer server = setup.sessionServer();
        try (LongQuery query =
                c.longQuery() ? LongQuery.start(server, ShopWorkload.SCHEMA, "customers", LONG_QUERY) : null) {
            if (query != null) {
                Thread.sleep(LONG_QUERY_LEAD_MILLIS);
            }
            List<Connection> snapshots;
            BinlogCoordinates coordinates;
            try (BackupSession session = BackupSession.open(account, options.build())) {
                if (c.account() == ReplayAccount.CLOUD) {
                    assertThat(session.strategy())
                            .as("the only lock the cloud master user may take")
                            .isEqualTo("table-locks");
                }
                snapshots = session.snapshotConnections(SNAPSHOTS);
                coordinates = session.coordinates();
            }
            return new Capture(
                    c.source().replica() ? sourcePoint(coordinates, setup.source()) : ReplayPoint.of(coordinates),
                    snapshots);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** A replica's point is its source's: the copy replays from the source, so it must be the source it names. */
    private static ReplayPoint sourcePoint(BinlogCoordinates coordinates, EmbeddedServer source) {
        ReplicaSource named = coordinates
                .replicaSource()
                .orElseThrow(() -> new AssertionError("the replica gave no source coordinates: " + coordinates));
        assertThat(named.port()).as("the replica's source, in " + coordinates).isEqualTo(source.port());
        return ReplayPoint.of(named);
    }

    private static void log(String combination, int i, Round round) {
        LOG.info("{} round {}: {}", combination, i + 1, round);
    }
}
