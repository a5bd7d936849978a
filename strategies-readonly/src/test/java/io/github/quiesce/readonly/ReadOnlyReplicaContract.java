package io.github.quiesce.readonly;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.quiesce.BackupException;
import io.github.quiesce.BackupOptions;
import io.github.quiesce.BackupSession;
import io.github.quiesce.BinlogCoordinates;
import io.github.quiesce.LockAcquisitionException;
import io.github.quiesce.ReplicaSource;
import io.github.quiesce.UnsupportedServerException;
import io.github.quiesce.testkit.EmbeddedServer;
import io.github.quiesce.testkit.Gtids;
import io.github.quiesce.testkit.ReplicaPair;
import io.github.quiesce.testkit.ServerChecks;
import io.github.quiesce.testkit.ServerDistribution;
import io.github.quiesce.testkit.Writers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The read-only strategy on a real source/replica pair: the replica stops applying while the source runs
 * on, the source coordinates match what the replica applied, and every global setting comes back as it
 * was, after a clean close and after each kind of failure, and after the backup process is killed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ReadOnlyReplicaContract {

    static final String SCHEMA = "quiesce_ro";

    private ReplicaPair pair;
    @TempDir
    Path journals;

    protected abstract ServerDistribution distribution();

    @BeforeAll
    void startPair() {
        pair = ReplicaPair.start(distribution());
        pair.source().execute("CREATE DATABASE IF NOT EXISTS " + SCHEMA);
        pair.awaitCaughtUp(Duration.ofSeconds(30));
    }

    @AfterAll
    void stopPair() {
        if (pair != null) {
            pair.close();
        }
    }

    EmbeddedServer source() {
        return pair.source();
    }

    EmbeddedServer replica() {
        return pair.replica();
    }

    boolean mariaDb() {
        return distribution().isMariaDb();
    }

    BackupOptions.Builder readOnly() {
        return BackupOptions.builder().strategy(ReadOnlyStrategy.NAME).journalDirectory(journals);
    }

    private String table(String prefix) {
        String t = Writers.newTable(source(), SCHEMA, prefix);
        pair.awaitCaughtUp(Duration.ofSeconds(30));
        return t;
    }

    @Test
    void theReplicaStopsApplyingWhileHeldTheSourceRunsOnAndTheReplicaCatchesUpAfter() throws Exception {
        String table = table("apply");
        try (Writers writers = Writers.running(source(), SCHEMA, table)) {
            long sourceBefore;
            long replicaHeld;
            try (BackupSession s = BackupSession.open(replica().dataSource(), readOnly().build())) {
                s.coordinates();
                replicaHeld = rows(replica(), table);
                sourceBefore = writers.committed();
                Thread.sleep(700);
                assertThat(rows(replica(), table)).as("the replica applies nothing while held").isEqualTo(replicaHeld);
                assertThat(writers.committed()).as("the source keeps taking writes").isGreaterThan(sourceBefore + 20);
                assertThat(writers.errors()).isEmpty();
            }
            writers.close();
            pair.awaitCaughtUp(Duration.ofSeconds(30));
            assertThat(rows(replica(), table)).as("caught up after close").isEqualTo(rows(source(), table)).isGreaterThan(replicaHeld);
        }
        assertState(false, false);
    }

    @Test
    void sourceCoordinatesPointExactlyAtTheSourceTransactionTheReplicaAppliedLast() throws Exception {
        String table = table("coords");
        long baseline = gtidCount(ServerChecks.scalar(source(), mariaDb() ? "SELECT @@GLOBAL.gtid_binlog_pos" : "SELECT @@GLOBAL.gtid_executed"));
        try (Writers writers = Writers.running(source(), SCHEMA, table)) {
            for (int i = 0; i < 5; i++) {
                ReplicaSource src;
                long applied;
                try (BackupSession s = BackupSession.open(replica().dataSource(), readOnly().build())) {
                    BinlogCoordinates c = s.coordinates();
                    src = c.replicaSource().orElseThrow();
                    applied = rows(replica(), table);
                }
                assertThat(src.port()).isEqualTo(source().port());
                assertThat(gtidCount(src.gtidSet()) - baseline).as("rows on the replica = source transactions in its GTID set").isEqualTo(applied);
                ServerChecks.eventAt(source(), src.logFile(), src.logPosition()).ifPresent(e ->
                        assertThat(e.type()).as("the source position is a transaction boundary: " + e).startsWith("Gtid"));
                assertThat(src.changeSourceStatement()).contains(src.logFile(), String.valueOf(src.logPosition()));
                assertThat(src.changeSourceByGtidStatement()).contains(mariaDb() ? "gtid_slave_pos" : "gtid_purged");
                Thread.sleep(100);
            }
            assertThat(writers.errors()).isEmpty();
        }
    }

    /** GTIDs of the source's own server in a set: MySQL counts intervals of the source's UUID; MariaDB takes domain 0's sequence. */
    private long gtidCount(String set) {
        String s = set.replace("\n", "");
        if (mariaDb()) {
            return Stream.of(s.split(",")).map(String::trim).filter(g -> g.startsWith("0-1-"))
                    .mapToLong(g -> Long.parseLong(g.substring(4))).max().orElse(0);
        }
        return Gtids.count(s, ServerChecks.scalar(source(), "SELECT @@GLOBAL.server_uuid"));
    }

    enum Ending { CLOSE, CALLER_THROWS, LOCK_CONNECTION_KILLED, LOCK_WAIT_TIMEOUT }

    Stream<Arguments> restoreMatrix() {
        List<boolean[]> initial = mariaDb() ? List.of(new boolean[] {false, false}, new boolean[] {true, false})
                : List.of(new boolean[] {false, false}, new boolean[] {true, false}, new boolean[] {true, true});
        return initial.stream().flatMap(st -> Stream.of(Ending.values()).map(e -> Arguments.of(st[0], st[1], e)));
    }

    @ParameterizedTest(name = "read_only={0}, super_read_only={1}, {2}")
    @MethodSource("restoreMatrix")
    void readOnlyAndSuperReadOnlyComeBackAsTheyWere(boolean readOnly, boolean superReadOnly, Ending ending) throws Exception {
        setState(readOnly, superReadOnly);
        try {
            switch (ending) {
                case CLOSE -> {
                    try (BackupSession s = BackupSession.open(replica().dataSource(), readOnly().build())) {
                        s.coordinates();
                        assertThat(ServerChecks.scalar(replica(), "SELECT @@GLOBAL.read_only")).as("held").isEqualTo("1");
                    }
                }
                case CALLER_THROWS -> assertThatThrownBy(() -> {
                    try (BackupSession s = BackupSession.open(replica().dataSource(), readOnly().build())) {
                        s.coordinates();
                        throw new IllegalStateException("copy failed");
                    }
                }).hasMessage("copy failed");
                case LOCK_CONNECTION_KILLED -> {
                    BackupSession s = BackupSession.open(replica().dataSource(), readOnly().build());
                    s.coordinates();
                    replica().execute("KILL " + s.lockConnectionId());
                    try {
                        s.close();
                    } catch (BackupException expected) {
                        // the release said what it redid on a new connection
                    }
                }
                case LOCK_WAIT_TIMEOUT -> {
                    String t = table("locked");
                    // WRITE conflicts with FTWRL everywhere; under super_read_only only READ may be taken, which MySQL's FTWRL also waits for.
                    String mode = superReadOnly ? " READ" : " WRITE";
                    try (Connection holder = replica().connect(); Statement st = holder.createStatement()) {
                        st.execute("LOCK TABLES " + SCHEMA + "." + t + mode);
                        BackupOptions options = readOnly().lockWaitTimeout(Duration.ofSeconds(1)).acquireTimeout(Duration.ofSeconds(5)).build();
                        assertThatThrownBy(() -> BackupSession.open(replica().dataSource(), options).close())
                                .isInstanceOf(LockAcquisitionException.class);
                        st.execute("UNLOCK TABLES");
                    }
                }
            }
            assertState(readOnly, superReadOnly);
            assertThat(journalFiles()).as("journal cleaned").isEmpty();
        } finally {
            setState(false, false);
        }
    }

    @Test
    void stopReplicaSqlThreadPutsTheThreadBackExactlyAsItWas() throws Exception {
        BackupOptions options = readOnly().set(ReadOnlyStrategy.STOP_REPLICA_SQL_THREAD, true).build();
        try (BackupSession s = BackupSession.open(replica().dataSource(), options)) {
            s.coordinates();
            assertThat(pair.sqlThreadRunning()).as("stopped while held").isFalse();
        }
        assertThat(pair.sqlThreadRunning()).as("running stays running").isTrue();

        replica().execute("STOP SLAVE SQL_THREAD");
        try {
            try (BackupSession s = BackupSession.open(replica().dataSource(), options)) {
                s.coordinates();
            }
            assertThat(pair.sqlThreadRunning()).as("stopped stays stopped").isFalse();
        } finally {
            replica().execute("START SLAVE SQL_THREAD");
        }
        assertState(false, false);
    }

    @Test
    void autoNeverPicksItEvenWhenItIsTheOnlyStrategyOnTheClasspath() {
        assertThatThrownBy(() -> BackupSession.open(replica().dataSource(), BackupOptions.builder().journalDirectory(journals).build()))
                .isInstanceOf(BackupException.class).hasMessageContaining(ReadOnlyStrategy.NAME);
        assertState(false, false);
    }

    @Test
    void onASourceItRefusesBeforeChangingAnythingUnlessAllowed() {
        assertThatThrownBy(() -> BackupSession.open(source().dataSource(), readOnly().build()))
                .isInstanceOf(UnsupportedServerException.class).hasMessageContaining("not a replica").hasMessageContaining("ALLOW_ON_SOURCE");
        assertThat(ServerChecks.scalar(source(), "SELECT @@GLOBAL.read_only")).isEqualTo("0");
        try (BackupSession s = BackupSession.open(source().dataSource(), readOnly().set(ReadOnlyStrategy.ALLOW_ON_SOURCE, true).build())) {
            assertThat(s.coordinates().replicaSource()).isEmpty();
            assertThat(ServerChecks.completesWithin(source(), "CREATE DATABASE IF NOT EXISTS quiesce_ro_blocked", 300)).isFalse();
        }
        assertThat(ServerChecks.scalar(source(), "SELECT @@GLOBAL.read_only")).isEqualTo("0");
    }

    @Test
    void aBackupProcessKilledWhileHoldingLeavesAJournalThatOpenRefusesAndRecoverRestores() throws Exception {
        Process child = HoldReadOnly.start(replica(), journals);
        try {
            HoldReadOnly.awaitHeld(child);
            child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        } finally {
            child.destroyForcibly();
        }
        assertThat(ServerChecks.scalar(replica(), "SELECT @@GLOBAL.read_only")).as("a killed process leaves read_only on").isEqualTo("1");
        assertThat(journalFiles()).hasSize(1);

        assertThatThrownBy(() -> BackupSession.open(replica().dataSource(), readOnly().build()))
                .isInstanceOf(io.github.quiesce.UnrecoveredSessionException.class)
                .hasMessageContaining("recover");
        var recovery = BackupSession.recover(replica().dataSource(), readOnly().build());
        assertThat(recovery.restored()).contains(ReadOnlyStrategy.READ_ONLY_OFF);
        assertState(false, false);
        assertThat(journalFiles()).isEmpty();
        try (BackupSession s = BackupSession.open(replica().dataSource(), readOnly().build())) {
            s.coordinates();
        }
        assertThat(BackupSession.recover(replica().dataSource(), readOnly().build()).needed()).isFalse();
        pair.awaitCaughtUp(Duration.ofSeconds(30));
    }

    private List<Path> journalFiles() throws java.io.IOException {
        try (Stream<Path> files = Files.list(journals)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".journal")).toList();
        }
    }

    private void setState(boolean readOnly, boolean superReadOnly) {
        if (mariaDb()) {
            replica().execute("SET GLOBAL read_only = " + (readOnly ? "ON" : "OFF"));
        } else if (superReadOnly) {
            replica().execute("SET GLOBAL super_read_only = ON");
        } else {
            replica().execute("SET GLOBAL read_only = " + (readOnly ? "ON" : "OFF"), "SET GLOBAL super_read_only = OFF",
                    "SET GLOBAL read_only = " + (readOnly ? "ON" : "OFF"));
        }
    }

    private void assertState(boolean readOnly, boolean superReadOnly) {
        assertThat(ServerChecks.scalar(replica(), "SELECT @@GLOBAL.read_only")).as("read_only").isEqualTo(readOnly ? "1" : "0");
        if (!mariaDb()) {
            assertThat(ServerChecks.scalar(replica(), "SELECT @@GLOBAL.super_read_only")).as("super_read_only").isEqualTo(superReadOnly ? "1" : "0");
        }
    }

    private static long rows(EmbeddedServer server, String table) {
        return ServerChecks.count(server, "SELECT COUNT(*) FROM " + SCHEMA + "." + table);
    }
}
