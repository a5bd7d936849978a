package io.github.quiesce.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.github.quiesce.BackupEvent;
import io.github.quiesce.BackupEvent.GaleraPhase;
import io.github.quiesce.BackupException;
import io.github.quiesce.BackupOptions;
import io.github.quiesce.BackupSession;
import io.github.quiesce.BinlogCoordinates;
import io.github.quiesce.GaleraDesync;
import io.github.quiesce.GaleraGuard;
import io.github.quiesce.GaleraNode;
import io.github.quiesce.GaleraNodeNotReadyException;
import io.github.quiesce.GaleraPosition;
import io.github.quiesce.Recovery;
import io.github.quiesce.SessionTimings;
import io.github.quiesce.UnrecoveredSessionException;
import io.github.quiesce.testkit.GaleraCluster;
import io.github.quiesce.testkit.Writers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A real two-node MariaDB Galera cluster (Debian's mariadb-server 10.11 and galera-4, node 2 joined by rsync
 * SST): every session takes node 1 while four writers commit on node 2, and the test reads what the servers
 * show. The Galera position in the coordinates matches the data (the snapshot's rows, the GTIDs and the seqno
 * all moved by the same count since the table was created); a lagging node is waited for, or refused within
 * the bound; the other node's writers never stall; a node desynced by a session is never left desynced, even
 * when the process dies.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GaleraIT {

    private static final String SCHEMA = "galera_it";
    /** How long each session holds its point: a cluster stalled by flow control makes the other node's writers wait all of it. */
    private static final Duration HOLD = Duration.ofMillis(1500);
    /** A worst commit on node 2 above this, during a session on node 1, is a stall (a stalled cluster gives about HOLD). */
    private static final double STALL_MILLIS = 750;
    /** Below what node 1 can apply on 2 CPUs (4 unpaced writers keep it under flow control all the time). */
    private static final Duration WRITER_PAUSE = Duration.ofMillis(5);

    private static final Pattern DOMAIN_0 = Pattern.compile("(?:^|,)0-\\d+-(\\d+)");

    private GaleraCluster cluster;
    private GaleraCluster.Node node1;
    private GaleraCluster.Node node2;
    private Path journals;

    @BeforeAll
    void start() throws IOException {
        GaleraCluster.assumeAvailable();
        cluster = GaleraCluster.start(2);
        node1 = cluster.node(1);
        node2 = cluster.node(2);
        node2.execute("CREATE DATABASE " + SCHEMA);
        journals = Files.createTempDirectory("quiesce-galera-journals");
    }

    @AfterAll
    void stop() throws IOException {
        if (cluster != null) {
            cluster.close();
        }
        if (journals != null) {
            Files.deleteIfExists(journals);
        }
    }

    /** Every test leaves node 1 as it found it: Synced, not desynced by anyone, no journal. */
    @AfterEach
    void nodeIsBack() throws Exception {
        awaitSynced(node1, Duration.ofSeconds(60));
        assertThat(node1.scalar("SELECT @@GLOBAL.wsrep_desync"))
                .as("wsrep_desync after the test")
                .isEqualTo("0");
        assertThat(node1.status("wsrep_desync_count"))
                .as("wsrep_desync_count after the test")
                .isEqualTo("0");
        try (Stream<Path> files = Files.list(journals)) {
            assertThat(files.toList()).as("journals left").isEmpty();
        }
    }

    private BackupOptions.Builder options(String strategy, List<BackupEvent> events) {
        return BackupOptions.builder()
                .strategy(strategy)
                .journalDirectory(journals)
                .listener(events::add);
    }

    @Test
    void theProbeKnowsTheNodeAndAutoTakesBackupStage() {
        List<BackupEvent> events = Collections.synchronizedList(new ArrayList<>());
        try (BackupSession s =
                BackupSession.open(node1.dataSource(), options("auto", events).build())) {
            GaleraNode g = s.server().galera().orElseThrow();
            assertThat(g.kind()).isEqualTo(GaleraNode.Kind.MARIADB_GALERA);
            assertThat(g.provider()).isEqualTo("Galera");
            assertThat(g.providerVersion()).startsWith("4.");
            assertThat(g.state().clusterSize()).isEqualTo(2);
            assertThat(g.state().synced()).isTrue();
            assertThat(g.state().primary()).isTrue();
            assertThat(g.state().stateUuid()).isEqualTo(node2.status("wsrep_cluster_state_uuid"));
            assertThat(g.globalReadLockDesyncsAndPauses()).isTrue();
            assertThat(g.backupStageDesyncsAndPauses())
                    .as("MariaDB 10.11.19 has MDEV-23080")
                    .isTrue();
            assertThat(s.server().describe())
                    .isEqualTo("MariaDB " + node1.version().replaceAll("-.*", "") + " (MariaDB Galera node)");
            assertThat(s.strategy()).isEqualTo("mariadb-backup-stage");
            assertThat(node1.status("wsrep_local_state_comment"))
                    .as("BLOCK_DDL desynced the node")
                    .isEqualTo("Donor/Desynced");
        }
        assertThat(events).anySatisfy(e -> assertThat(e)
                .isInstanceOfSatisfying(BackupEvent.WaitedForGalera.class, w -> assertThat(w.phase())
                        .isEqualTo(GaleraPhase.AFTER_RELEASE)));
    }

    /** LOCK TABLES ... READ stalls the cluster (see the control below): table-locks declines a Galera node, and auto never takes it there. */
    @Test
    void tableLocksDeclineTheNodeSayingWhy() {
        Throwable e = catchThrowable(() -> BackupSession.open(
                        node1.dataSource(),
                        options("table-locks", new ArrayList<>()).build())
                .close());
        assertThat(e)
                .isInstanceOf(io.github.quiesce.UnsupportedServerException.class)
                .hasMessageContaining("LOCK TABLES ... READ neither desyncs nor pauses the node");
        assertThat(node1.status("wsrep_local_state_comment")).isEqualTo("Synced");
    }

    @ParameterizedTest(name = "{0}, desync {1}")
    @CsvSource({
        "ftwrl, AUTO",
        "mariadb-backup-stage, AUTO",
        "auto, AUTO",
        "ftwrl, ALWAYS",
        "mariadb-backup-stage, ALWAYS"
    })
    void theGaleraPositionMatchesTheDataAndTheOtherNodeNeverStalls(String strategy, GaleraDesync desync)
            throws Exception {
        String table = "p_" + strategy.replace('-', '_') + "_" + desync.name().toLowerCase(java.util.Locale.ROOT);
        Baseline base = baseline(table);
        for (int round = 1; round <= 2; round++) {
            try (Writers writers = Writers.start(node2.dataSource(), SCHEMA, table, 4, 1_000_000, WRITER_PAUSE)) {
                writers.awaitCommitted(50, 10_000);
                long q0 = System.nanoTime();
                Thread.sleep(HOLD.toMillis());
                double quietWorst = writers.worstLatencyMillis(q0, System.nanoTime());

                List<BackupEvent> events = Collections.synchronizedList(new ArrayList<>());
                long s0 = System.nanoTime();
                BinlogCoordinates c;
                long rows;
                String desyncDuring;
                String stateDuring;
                SessionTimings timings;
                BackupSession s = BackupSession.open(
                        node1.dataSource(),
                        options(strategy, events).galeraDesync(desync).build());
                try {
                    List<Connection> snapshots = s.snapshotConnections(1);
                    c = s.coordinates();
                    try (Connection snapshot = snapshots.get(0)) {
                        rows = count(snapshot, table);
                    }
                    desyncDuring = node1.scalar("SELECT @@GLOBAL.wsrep_desync");
                    stateDuring = node1.status("wsrep_local_state_comment");
                    Thread.sleep(HOLD.toMillis());
                } finally {
                    s.close();
                }
                timings = s.timings();
                long s1 = System.nanoTime();
                double worst = writers.worstLatencyMillis(s0, s1);

                GaleraPosition g =
                        c.galeraPosition().orElseThrow(() -> new AssertionError("no Galera position in " + c));
                assertThat(g.uuid()).as("the cluster's state UUID").isEqualTo(node2.status("wsrep_cluster_state_uuid"));
                assertThat(g.seqno() - base.seqno())
                        .as("write-sets since the table was created, round %d: %s", round, c)
                        .isEqualTo(rows);
                assertThat(gtidSeq(c.gtidSet()) - base.gtidSeq())
                        .as("GTIDs since the table was created: %s", c)
                        .isEqualTo(rows);
                assertThat(stateDuring).as("node 1 during the session").isEqualTo("Donor/Desynced");
                assertThat(desyncDuring)
                        .as("@@wsrep_desync during the session")
                        .isEqualTo(desync == GaleraDesync.ALWAYS ? "1" : "0");
                assertThat(worst)
                        .as(
                                "worst commit on node 2 during the session (%.1f ms in the same time before it), round %d",
                                quietWorst, round)
                        .isLessThan(STALL_MILLIS);
                assertThat(timings.galeraResync())
                        .as("the wait for Synced after the release is reported")
                        .isPositive();
                assertThat(events)
                        .anySatisfy(e -> assertThat(e).isInstanceOfSatisfying(BackupEvent.WaitedForGalera.class, w -> {
                            assertThat(w.phase()).isEqualTo(GaleraPhase.AFTER_RELEASE);
                            assertThat(w.ready()).isTrue();
                        }));
                System.out.printf(
                        "GaleraIT %s desync %s round %d: seqno %d, rows %d, worst node-2 commit %.1f ms (%.1f before),"
                                + " Synced again %.0f ms after the release%n",
                        strategy,
                        desync,
                        round,
                        g.seqno(),
                        rows,
                        worst,
                        quietWorst,
                        timings.galeraResync().toNanos() / 1e6);
                assertThat(writers.errors()).isEmpty();
            }
        }
    }

    @Test
    void aLaggingNodeIsRefusedWithinTheBoundAndNothingIsLocked() throws Exception {
        String table = "lag_refused";
        baseline(table);
        try (Writers writers = Writers.start(node2.dataSource(), SCHEMA, table, 4, 1_000_000, Duration.ofMillis(2));
                Connection pauser = node1.connect();
                Statement st = pauser.createStatement()) {
            writers.awaitCommitted(50, 10_000);
            // Another session's FTWRL pauses node 1: it falls behind by whatever node 2 commits meanwhile.
            st.execute("FLUSH TABLES WITH READ LOCK");
            try {
                awaitQueue(node1, 500);
                List<BackupEvent> events = Collections.synchronizedList(new ArrayList<>());
                long t0 = System.nanoTime();
                Throwable got = assertTimeoutPreemptively(
                        Duration.ofSeconds(20),
                        () -> catchThrowable(() -> BackupSession.open(
                                        node1.dataSource(),
                                        options("auto", events)
                                                .galeraGuard(new GaleraGuard(100, Duration.ofMillis(1500)))
                                                .build())
                                .close()));
                Duration took = Duration.ofNanos(System.nanoTime() - t0);
                assertThat(got)
                        .isInstanceOf(GaleraNodeNotReadyException.class)
                        .hasMessageContaining("Donor/Desynced")
                        .hasMessageContaining("write-sets queued")
                        .hasMessageContaining("Nothing was locked");
                GaleraNodeNotReadyException e = (GaleraNodeNotReadyException) got;
                assertThat(e.state().receiveQueue()).isGreaterThan(100);
                assertThat(e.consequence()).isEqualTo(BackupException.Consequence.NOTHING_LEFT_CHANGED);
                assertThat(took)
                        .as("refused within the bound")
                        .isBetween(Duration.ofMillis(1400), Duration.ofSeconds(5));
                assertThat(node1.status("wsrep_desync_count"))
                        .as("only the other session's FTWRL desynced the node")
                        .isEqualTo("1");
                assertThat(events).noneMatch(ev -> ev instanceof BackupEvent.LockAcquired);
                assertThat(events)
                        .anyMatch(ev ->
                                ev instanceof BackupEvent.WaitingForGalera w && w.phase() == GaleraPhase.BEFORE_LOCK);
                System.out.printf("GaleraIT lagging node refused after %d ms: %s%n", took.toMillis(), e.state());
            } finally {
                st.execute("UNLOCK TABLES");
            }
        }
    }

    @Test
    void aLaggingNodeIsWaitedForThenLockedAtOnce() throws Exception {
        String table = "lag_waited";
        Baseline base = baseline(table);
        try (Writers writers = Writers.start(node2.dataSource(), SCHEMA, table, 4, 1_000_000, Duration.ofMillis(2));
                Connection pauser = node1.connect();
                Statement st = pauser.createStatement()) {
            writers.awaitCommitted(50, 10_000);
            st.execute("FLUSH TABLES WITH READ LOCK");
            CompletableFuture<Void> unlock;
            try {
                awaitQueue(node1, 500);
                unlock = CompletableFuture.runAsync(() -> {
                    try {
                        Thread.sleep(1500);
                        st.execute("UNLOCK TABLES");
                    } catch (InterruptedException | SQLException e) {
                        throw new IllegalStateException(e);
                    }
                });
                List<BackupEvent> events = Collections.synchronizedList(new ArrayList<>());
                BinlogCoordinates c;
                long rows;
                BackupSession s = BackupSession.open(
                        node1.dataSource(), options("auto", events).build());
                try {
                    List<Connection> snapshots = s.snapshotConnections(1);
                    c = s.coordinates();
                    try (Connection snapshot = snapshots.get(0)) {
                        rows = count(snapshot, table);
                    }
                } finally {
                    s.close();
                }
                unlock.get(30, TimeUnit.SECONDS);
                SessionTimings t = s.timings();
                BackupEvent.WaitingForGalera waiting = events.stream()
                        .filter(BackupEvent.WaitingForGalera.class::isInstance)
                        .map(BackupEvent.WaitingForGalera.class::cast)
                        .filter(w -> w.phase() == GaleraPhase.BEFORE_LOCK)
                        .findFirst()
                        .orElseThrow(
                                () -> new AssertionError("the session did not wait for the lagging node: " + events));
                assertThat(waiting.state().readyToLock(100)).isFalse();
                BackupEvent.WaitedForGalera waited = events.stream()
                        .filter(BackupEvent.WaitedForGalera.class::isInstance)
                        .map(BackupEvent.WaitedForGalera.class::cast)
                        .filter(w -> w.phase() == GaleraPhase.BEFORE_LOCK)
                        .findFirst()
                        .orElseThrow();
                assertThat(waited.ready()).isTrue();
                assertThat(waited.state().synced()).isTrue();
                assertThat(waited.state().receiveQueue()).isLessThanOrEqualTo(100);
                assertThat(t.galeraWait()).as("waited for the node").isGreaterThan(Duration.ofMillis(500));
                assertThat(t.lockWait().minus(t.galeraWait()))
                        .as("the lock itself, on a node in step, did not wait for a queue")
                        .isLessThan(Duration.ofMillis(1000));
                assertThat(c.galeraPosition().orElseThrow().seqno() - base.seqno())
                        .isEqualTo(rows);
                System.out.printf(
                        "GaleraIT lagging node (%s) waited for %d ms, then locked in %d ms%n",
                        waiting.state(),
                        t.galeraWait().toMillis(),
                        t.lockWait().minus(t.galeraWait()).toMillis());
            } catch (RuntimeException | AssertionError e) {
                st.execute("UNLOCK TABLES");
                throw e;
            }
        }
    }

    /**
     * A lock that stops the node's applier without desyncing it stalls the whole cluster (the control: the
     * measurement sees a stall); the same lock after {@code Galera.beforeLock} desynced the node does not.
     */
    @ParameterizedTest(name = "server desyncs by itself (a lie when true): {0}")
    @ValueSource(booleans = {true, false})
    void aLockTheServerDoesNotDesyncForIsDesyncedFirstElseTheClusterStalls(boolean claimServerDesyncs)
            throws Exception {
        String table = "applier_" + claimServerDesyncs;
        baseline(table);
        try (Writers writers = Writers.start(node2.dataSource(), SCHEMA, table, 4, 1_000_000, WRITER_PAUSE)) {
            writers.awaitCommitted(50, 10_000);
            List<BackupEvent> events = Collections.synchronizedList(new ArrayList<>());
            BackupOptions o = options(TableReadLockStrategy.NAME, events)
                    .classLoader(TableReadLockStrategy.loader())
                    .set(TableReadLockStrategy.TABLE, table)
                    .set(TableReadLockStrategy.SERVER_DESYNCS, claimServerDesyncs)
                    .build();
            long s0 = System.nanoTime();
            String desyncDuring;
            long journalsDuring;
            try (BackupSession s = BackupSession.open(node1.dataSource(), o)) {
                desyncDuring = node1.scalar("SELECT @@GLOBAL.wsrep_desync");
                try (Stream<Path> files = Files.list(journals)) {
                    journalsDuring = files.count();
                }
                Thread.sleep(HOLD.toMillis());
            }
            double worst = writers.worstLatencyMillis(s0, System.nanoTime());
            System.out.printf(
                    "GaleraIT LOCK TABLES READ on node 1, %s: worst node-2 commit %.1f ms%n",
                    claimServerDesyncs ? "node not desynced" : "desynced first", worst);
            if (claimServerDesyncs) {
                assertThat(desyncDuring).isEqualTo("0");
                // The control: flow control engages only once node 1's queue passes gcs.fc_limit, which a lightly
                // loaded CI machine's writers did not always reach within the hold (6.9 ms once). Skipped, visibly,
                // rather than claimed when it did not stall.
                org.junit.jupiter.api.Assumptions.assumeTrue(
                        worst > HOLD.toMillis() * 0.6,
                        "flow control did not engage in this run (worst node-2 commit " + worst
                                + " ms): the control shows nothing this time");
            } else {
                assertThat(desyncDuring).as("desynced by the session").isEqualTo("1");
                assertThat(journalsDuring)
                        .as("journaled before wsrep_desync=ON")
                        .isEqualTo(1);
                assertThat(worst).as("worst commit on node 2").isLessThan(STALL_MILLIS);
            }
        }
    }

    @Test
    void aProcessKilledWhileItDesyncedTheNodeIsRecovered() throws Exception {
        Process child = GaleraHold.start(node1.jdbcUrl(), "ftwrl", journals);
        try {
            GaleraHold.awaitHeld(child);
            assertThat(node1.scalar("SELECT @@GLOBAL.wsrep_desync")).isEqualTo("1");
            child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        } finally {
            child.destroyForcibly();
        }
        try (Stream<Path> files = Files.list(journals)) {
            assertThat(files.count())
                    .as("wsrep_desync outlives the process: the journal remains")
                    .isEqualTo(1);
        }
        assertThat(node1.scalar("SELECT @@GLOBAL.wsrep_desync"))
                .as("left desynced by the dead process")
                .isEqualTo("1");
        BackupOptions o = BackupOptions.builder().journalDirectory(journals).build();
        assertThat(catchThrowable(
                        () -> BackupSession.open(node1.dataSource(), o).close()))
                .isInstanceOf(UnrecoveredSessionException.class)
                .hasMessageContaining("recover");
        Recovery r = BackupSession.recover(node1.dataSource(), o);
        assertThat(r.needed()).isTrue();
        assertThat(r.restored()).containsExactly("SET GLOBAL wsrep_desync = OFF");
        assertThat(node1.scalar("SELECT @@GLOBAL.wsrep_desync")).isEqualTo("0");
    }

    /** The seqno and the GTID sequence of node 1 right after {@code table} was created, with nothing else in flight. */
    private record Baseline(long seqno, long gtidSeq) {}

    private Baseline baseline(String table) throws Exception {
        node2.execute(
                "CREATE TABLE " + SCHEMA + "." + table + " (id BIGINT AUTO_INCREMENT PRIMARY KEY, writer INT NOT NULL,"
                        + " seq BIGINT NOT NULL) ENGINE=InnoDB");
        String target = node2.status("wsrep_last_committed");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!target.equals(node1.status("wsrep_last_committed"))) {
            assertThat(System.nanoTime()).as("node 1 applies the CREATE TABLE").isLessThan(deadline);
            Thread.sleep(10);
        }
        return new Baseline(Long.parseLong(target), gtidSeq(node1.scalar("SELECT @@GLOBAL.gtid_binlog_pos")));
    }

    private static long gtidSeq(String gtidBinlogPos) {
        Matcher m = DOMAIN_0.matcher(gtidBinlogPos);
        assertThat(m.find()).as("a domain-0 GTID in %s", gtidBinlogPos).isTrue();
        return Long.parseLong(m.group(1));
    }

    private static long count(Connection c, String table) throws SQLException {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + SCHEMA + "." + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void awaitQueue(GaleraCluster.Node node, long atLeast) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (Long.parseLong(node.status("wsrep_local_recv_queue")) < atLeast) {
            assertThat(System.nanoTime())
                    .as("%s falls %d write-sets behind", node, atLeast)
                    .isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private static void awaitSynced(GaleraCluster.Node node, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!"Synced".equals(node.status("wsrep_local_state_comment"))) {
            assertThat(System.nanoTime()).as("%s Synced again", node).isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}
