package io.github.quiesce.percona;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.quiesce.BackupEvent;
import io.github.quiesce.BackupException;
import io.github.quiesce.BackupOptions;
import io.github.quiesce.BackupSession;
import io.github.quiesce.BinlogCoordinates;
import io.github.quiesce.LockAcquisitionException;
import io.github.quiesce.MissingPrivilegeException;
import io.github.quiesce.UnsupportedServerException;
import io.github.quiesce.spi.Snapshots;
import io.github.quiesce.testkit.scripted.ScriptedServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * The strategy against testkit's Percona model (which keeps lock state per connection and makes other
 * connections wait as Percona Server does; the conformance suite holds it to Percona's MTR tests): exact
 * statements, the locks held at each point, every rollback path. The two bugs of issue 16 are in
 * Issue16BugsTest.
 */
class PerconaScriptedTest {

    static final BackupOptions PERCONA = BackupOptions.builder()
            .strategy(PerconaBackupLocksStrategy.NAME)
            .lockWaitTimeout(Duration.ofSeconds(5))
            .build();
    /** The model's first connection is the session's. */
    static final long SESSION_CONNECTION = 100;

    @Test
    void percona57TakesTheBinlogLockOnlyWhileReadingCoordinates() {
        ScriptedServer server = ScriptedServer.percona57();
        try (BackupSession s = BackupSession.open(server.dataSource(), PERCONA)) {
            assertThat(server.statementsAfterProbe()).endsWith("LOCK TABLES FOR BACKUP");
            assertThat(s.coordinates().toString())
                    .isEqualTo("binlog.000003:1234 3e11fa47-71ca-11e1-9e33-c80aa9429562:1-42");
            assertThat(server.locksHeldBy(SESSION_CONNECTION))
                    .as("UNLOCK BINLOG leaves the tables lock")
                    .containsExactly("LOCK TABLES FOR BACKUP");
        }
        assertThat(server.statementsAfterProbe())
                .containsExactly(
                        "SET SESSION lock_wait_timeout = 5",
                        BackupLockStatements.MDL_INSTRUMENT,
                        BackupLockStatements.DELAYED_KEY_TABLES,
                        "LOCK TABLES FOR BACKUP",
                        "LOCK BINLOG FOR BACKUP",
                        "SHOW MASTER STATUS",
                        "UNLOCK BINLOG",
                        "UNLOCK TABLES",
                        "SET SESSION lock_wait_timeout = 31536000");
        assertThat(server.openConnections()).isZero();
    }

    @Test
    void percona80ReadsLogStatusAndNeverIssuesLockBinlog() {
        ScriptedServer server = ScriptedServer.percona80();
        try (BackupSession s = BackupSession.open(server.dataSource(), PERCONA)) {
            assertThat(s.coordinates().toString())
                    .isEqualTo("binlog.000003:1234 3e11fa47-71ca-11e1-9e33-c80aa9429562:1-42");
        }
        assertThat(server.statementsAfterProbe())
                .containsExactly(
                        "SET SESSION lock_wait_timeout = 5",
                        BackupLockStatements.MDL_INSTRUMENT,
                        BackupLockStatements.OWN_GLOBAL_READ_LOCK,
                        BackupLockStatements.DELAYED_KEY_TABLES,
                        "LOCK TABLES FOR BACKUP",
                        "SELECT LOCAL FROM performance_schema.log_status",
                        "UNLOCK TABLES",
                        "SET SESSION lock_wait_timeout = 31536000");
    }

    /** While the session holds the lock, InnoDB writes of others go on and MyISAM writes and DDL wait (backup_locks.test:765-823). */
    @Test
    void othersWriteInnodbWhileTheirMyisamWritesAndDdlWaitForTheSession() throws Exception {
        ScriptedServer server = ScriptedServer.percona80();
        try (Connection other = server.dataSource().getConnection()) {
            execute(
                    other,
                    "CREATE TABLE t_innodb(a INT) ENGINE=InnoDB",
                    "CREATE TABLE t_myisam(a INT) ENGINE=MyISAM",
                    "SET SESSION lock_wait_timeout = 1");
            try (BackupSession s = BackupSession.open(server.dataSource(), PERCONA)) {
                execute(other, "INSERT INTO t_innodb VALUES(1)");
                assertThatThrownBy(() -> execute(other, "INSERT INTO t_myisam VALUES(1)"))
                        .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getErrorCode())
                                .isEqualTo(1205));
                assertThatThrownBy(() -> execute(other, "CREATE TABLE t_new(a INT) ENGINE=InnoDB"))
                        .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getErrorCode())
                                .isEqualTo(1205));
                assertThat(s.coordinates().position())
                        .as("the InnoDB commit moved the binary log")
                        .isGreaterThan(1234);
            }
            execute(other, "INSERT INTO t_myisam VALUES(1)", "CREATE TABLE t_new(a INT) ENGINE=InnoDB");
        }
    }

    @Test
    void anotherErrorWithTheOld1880NumberIsNotTakenForIt() {
        assertThat(PerconaErrors.isConflictingBackupLock(
                        PerconaGeneration.PS_57, "HY000", 1880, "Found data types with the old temporal format"))
                .isFalse();
        assertThat(PerconaErrors.isConflictingBackupLock(
                        PerconaGeneration.PS_80,
                        "HY000",
                        1880,
                        "Can't execute the query because you have a conflicting backup lock"))
                .isFalse();
    }

    // ---- 5.x paths ----

    @Test
    void innodbOnlyCoordinatesUseTheSnapshotStatusInsteadOfTheBinlogLock() {
        ScriptedServer server = ScriptedServer.percona57();
        BackupOptions o = PERCONA.toBuilder()
                .set(PerconaBackupLocksStrategy.INNODB_ONLY_COORDINATES, true)
                .build();
        try (BackupSession s = BackupSession.open(server.dataSource(), o)) {
            assertThat(s.coordinates().toString())
                    .isEqualTo("binlog.000003:1234 3e11fa47-71ca-11e1-9e33-c80aa9429562:1-42");
        }
        assertThat(server.statementsAfterProbe())
                .doesNotContain("LOCK BINLOG FOR BACKUP")
                .containsSubsequence(
                        "LOCK TABLES FOR BACKUP",
                        BackupLockStatements.START_SNAPSHOT,
                        BackupLockStatements.SNAPSHOT_STATUS,
                        "COMMIT",
                        "UNLOCK TABLES");
    }

    @Test
    void percona57SnapshotConnectionsStartWhileTheBinlogLockStopsCommits() throws Exception {
        ScriptedServer server = ScriptedServer.percona57();
        List<Connection> snapshots = twoSnapshots(server, PERCONA);
        assertThat(server.statementsAfterProbe())
                .containsSubsequence(
                        "LOCK BINLOG FOR BACKUP",
                        "SHOW MASTER STATUS",
                        Snapshots.START,
                        Snapshots.START,
                        "UNLOCK BINLOG",
                        "UNLOCK TABLES");
        assertThat(server.openConnections())
                .as("the snapshots outlive the session")
                .isEqualTo(2);
        closeAllAndExpectNoneOpen(snapshots, server);
    }

    /** Percona's mysqldump --lock-for-backup --single-transaction, for n connections: no lock on commits at all. */
    @Test
    void consistentSnapshotVariantClonesTheSessionsSnapshotIntoEachConnection() throws Exception {
        ScriptedServer server = ScriptedServer.percona57();
        BackupOptions o = PERCONA.toBuilder()
                .set(PerconaBackupLocksStrategy.INNODB_ONLY_COORDINATES, true)
                .build();
        List<Connection> snapshots;
        try (BackupSession s = BackupSession.open(server.dataSource(), o)) {
            snapshots = s.snapshotConnections(2);
            assertThat(s.coordinates().toString()).startsWith("binlog.000003:1234");
        }
        assertThat(server.statementsAfterProbe())
                .doesNotContain("LOCK BINLOG FOR BACKUP")
                .containsSubsequence(
                        "LOCK TABLES FOR BACKUP",
                        BackupLockStatements.START_SNAPSHOT,
                        BackupLockStatements.SNAPSHOT_STATUS,
                        "START TRANSACTION WITH CONSISTENT SNAPSHOT FROM SESSION 100",
                        "START TRANSACTION WITH CONSISTENT SNAPSHOT FROM SESSION 100",
                        "COMMIT",
                        "UNLOCK TABLES");
        closeAllAndExpectNoneOpen(snapshots, server);
    }

    @Test
    void innodbOnlyCoordinatesFallBackToTheSafeOrderWithoutSafeBinlogInfo() {
        ScriptedServer server = ScriptedServer.percona57().variable("have_backup_safe_binlog_info", "NO");
        BackupOptions o = PERCONA.toBuilder()
                .set(PerconaBackupLocksStrategy.INNODB_ONLY_COORDINATES, true)
                .build();
        try (BackupSession s = BackupSession.open(server.dataSource(), o)) {
            s.coordinates();
        }
        assertThat(server.statementsAfterProbe()).contains("LOCK BINLOG FOR BACKUP", "UNLOCK BINLOG");
    }

    /** Commits of other connections wait while the session reads the coordinates (backup_locks_binlog.inc:511-538). */
    @Test
    void percona57CommitsOfOthersWaitOnlyWhileTheCoordinatesAreRead() throws Exception {
        ScriptedServer server = ScriptedServer.percona57();
        AtomicReference<CompletableFuture<Void>> insert = new AtomicReference<>();
        AtomicBoolean waitedUnderTheBinlogLock = new AtomicBoolean();
        try (Connection other = server.dataSource().getConnection()) {
            execute(other, "CREATE TABLE t(a INT) ENGINE=InnoDB", "SET SESSION lock_wait_timeout = 5");
            // A listener's exceptions never reach the session: it only records what it saw.
            BackupOptions o = PERCONA.toBuilder()
                    .listener(e -> {
                        if (e instanceof BackupEvent.StatementExecuted x
                                && x.statement().equals("SHOW MASTER STATUS")) {
                            insert.set(CompletableFuture.runAsync(
                                    () -> executeUnchecked(other, "INSERT INTO t VALUES(1)")));
                            sleep(200);
                            waitedUnderTheBinlogLock.set(!insert.get().isDone());
                        }
                    })
                    .build();
            try (BackupSession s = BackupSession.open(server.dataSource(), o)) {
                BinlogCoordinates c = s.coordinates();
                insert.get().get(5, TimeUnit.SECONDS);
                assertThat(waitedUnderTheBinlogLock)
                        .as("the InnoDB commit waited under LOCK BINLOG FOR BACKUP")
                        .isTrue();
                assertThat(server.binlogPositionNow())
                        .as("and went through after UNLOCK BINLOG")
                        .isNotEqualTo(c.toString());
            }
        }
    }

    // ---- refusals and their rollback ----

    @Test
    void privilegesAreCheckedPerGeneration() {
        ScriptedServer ps57 =
                ScriptedServer.percona57().grants("GRANT SELECT, REPLICATION CLIENT ON *.* TO `backup`@`%`");
        assertThatThrownBy(() -> BackupSession.open(ps57.dataSource(), PERCONA))
                .isInstanceOf(MissingPrivilegeException.class)
                .hasMessageContaining("RELOAD (for LOCK TABLES FOR BACKUP");
        ScriptedServer ps80 =
                ScriptedServer.percona80().grants("GRANT RELOAD, REPLICATION CLIENT ON *.* TO `backup`@`%`");
        assertThatThrownBy(() -> BackupSession.open(ps80.dataSource(), PERCONA))
                .isInstanceOf(MissingPrivilegeException.class)
                .hasMessageContaining("BACKUP_ADMIN");
        assertThat(ps57.statementsAfterProbe()).isEmpty();
        assertThat(ps80.statementsAfterProbe()).isEmpty();
    }

    @Test
    void delayKeyWriteAllIsRefusedBeforeLockingAndExplained() {
        ScriptedServer server = ScriptedServer.percona57().variable("delay_key_write", "ALL");
        assertThatThrownBy(() -> BackupSession.open(server.dataSource(), PERCONA))
                .isInstanceOf(UnsupportedServerException.class)
                .hasMessageContaining("delay_key_write=ALL")
                .hasMessageContaining("stale")
                .hasMessageContaining("SET GLOBAL delay_key_write=ON");
        assertThat(server.statementsAfterProbe()).isEmpty();
    }

    /** delay_key_write=ALL set between the probe and the lock: the server's 1290 (backup_locks.test:436-438), typed and explained. */
    @Test
    void delayKeyWriteAllSetAfterTheProbeIsTypedWhenTheServerRefusesTheLock() throws Exception {
        ScriptedServer server = ScriptedServer.percona80();
        try (Connection dba = server.dataSource().getConnection()) {
            BackupOptions o = PERCONA.toBuilder()
                    .listener(e -> {
                        if (e instanceof BackupEvent.LockRequested) {
                            executeUnchecked(dba, "SET GLOBAL delay_key_write=ALL");
                        }
                    })
                    .build();
            assertThatThrownBy(() -> BackupSession.open(server.dataSource(), o))
                    .isInstanceOfSatisfying(LockAcquisitionException.class, e -> assertThat(e.vendorCode())
                            .isEqualTo(1290))
                    .hasMessageContaining("delay_key_write=ALL was set after the session read");
        }
        assertThat(server.openConnections()).isZero();
    }

    @Test
    void underAutoDelayKeyWriteAllFallsToFtwrlAndSaysWhy() {
        ScriptedServer server = ScriptedServer.percona57().variable("delay_key_write", "ALL");
        try (BackupSession s = BackupSession.open(server.dataSource(), BackupOptions.defaults())) {
            assertThat(s.strategy()).isEqualTo("ftwrl");
        }
        assertThat(server.statementsAfterProbe())
                .contains("FLUSH TABLES WITH READ LOCK")
                .doesNotContain("LOCK TABLES FOR BACKUP");
    }

    @Test
    void tablesWithDelayKeyWriteAreListedAtWarn() throws Exception {
        ScriptedServer server = ScriptedServer.percona57();
        try (Connection c = server.dataSource().getConnection()) {
            execute(
                    c,
                    "CREATE TABLE hits(a INT) ENGINE=MyISAM DELAY_KEY_WRITE=1",
                    "CREATE TABLE counters(a INT) ENGINE=MyISAM DELAY_KEY_WRITE=1");
        }
        String err = captureStdErr(() -> {
            try (BackupSession s = BackupSession.open(server.dataSource(), PERCONA)) {
                s.coordinates();
            }
        });
        assertThat(err).contains("WARN").contains("[test.hits, test.counters]").contains("DELAY_KEY_WRITE");
    }

    @Test
    void aFailedUnlockBinlogStillReleasesTheTablesLock() {
        ScriptedServer server = ScriptedServer.percona57().fail("UNLOCK BINLOG", "HY000", 1105, "Unknown error");
        BackupSession s = BackupSession.open(server.dataSource(), PERCONA);
        assertThatThrownBy(s::coordinates).hasMessageContaining("UNLOCK BINLOG");
        assertThat(server.statementsAfterProbe())
                .endsWith("UNLOCK BINLOG", "UNLOCK TABLES", "SET SESSION lock_wait_timeout = 31536000");
        assertThat(server.openConnections()).isZero();
    }

    /** A pooled connection handed out with a leftover FLUSH TABLES WITH READ LOCK: 8.0's metadata_locks shows it. */
    @Test
    void aConnectionThatAlreadyHoldsFtwrlIsRefusedWhereMetadataLocksShowIt() throws Exception {
        ScriptedServer server = ScriptedServer.percona80();
        DataSource pool = poolOfOne(server.dataSource());
        try (Connection leaked = pool.getConnection()) {
            execute(leaked, "FLUSH TABLES WITH READ LOCK");
        }
        assertThatThrownBy(() -> BackupSession.open(pool, PERCONA))
                .isInstanceOf(LockAcquisitionException.class)
                .hasMessageContaining("already holds a global read lock");
        assertThat(server.statementsAfterProbe()).doesNotContain("LOCK TABLES FOR BACKUP");
    }

    /** 5.7 ships wait/lock/metadata/sql/mdl off: metadata_locks cannot show the lock, so it is not asked (and the stronger lock holds). */
    @Test
    void on57WithTheMetadataLockInstrumentOffTheLeftoverLockCannotBeSeenAndIsNotAskedFor() throws Exception {
        ScriptedServer server = ScriptedServer.percona57();
        DataSource pool = poolOfOne(server.dataSource());
        try (Connection leaked = pool.getConnection()) {
            execute(leaked, "FLUSH TABLES WITH READ LOCK");
        }
        try (BackupSession s = BackupSession.open(pool, PERCONA)) {
            s.coordinates();
        }
        assertThat(server.statementsAfterProbe())
                .contains(BackupLockStatements.MDL_INSTRUMENT)
                .doesNotContain(BackupLockStatements.OWN_GLOBAL_READ_LOCK);
    }

    @Test
    void on57WithTheInstrumentEnabledTheLeftoverLockIsRefused() throws Exception {
        ScriptedServer server = ScriptedServer.percona57();
        DataSource pool = poolOfOne(server.dataSource());
        try (Connection leaked = pool.getConnection()) {
            execute(
                    leaked,
                    "UPDATE performance_schema.setup_instruments SET ENABLED = 'YES' WHERE NAME = 'wait/lock/metadata/sql/mdl'",
                    "FLUSH TABLES WITH READ LOCK");
        }
        assertThatThrownBy(() -> BackupSession.open(pool, PERCONA))
                .isInstanceOf(LockAcquisitionException.class)
                .hasMessageContaining("already holds a global read lock");
    }

    /** A leaked LOCK TABLES: the server's 1192 (backup_locks.test:1076-1078), typed and explained. */
    @Test
    void aConnectionWithLeftoverLockTablesGetsATypedRefusal() throws Exception {
        ScriptedServer server = ScriptedServer.percona80();
        DataSource pool = poolOfOne(server.dataSource());
        try (Connection leaked = pool.getConnection()) {
            execute(leaked, "CREATE TABLE t1(a INT) ENGINE=InnoDB", "LOCK TABLES t1 READ");
        }
        assertThatThrownBy(() -> BackupSession.open(pool, PERCONA))
                .isInstanceOfSatisfying(LockAcquisitionException.class, e -> assertThat(e.vendorCode())
                        .isEqualTo(1192))
                .hasMessageContaining("holds LOCK TABLES");
    }

    @Test
    void underAutoARuntimeFailureRollsBackAndFallsThroughToFtwrl() {
        ScriptedServer server = ScriptedServer.percona57()
                .fail("LOCK TABLES FOR BACKUP", "42000", 1227, "Access denied; you need the RELOAD privilege");
        String err = captureStdErr(() -> {
            try (BackupSession s = BackupSession.open(server.dataSource(), BackupOptions.defaults())) {
                assertThat(s.strategy()).isEqualTo("ftwrl");
                s.coordinates();
            }
        });
        assertThat(err).contains("WARN").contains("falling back to 'ftwrl'");
        assertThat(server.statementsAfterProbe())
                .containsSubsequence(
                        "LOCK TABLES FOR BACKUP",
                        "SET SESSION lock_wait_timeout = 31536000",
                        "SET SESSION lock_wait_timeout = 60",
                        "FLUSH TABLES WITH READ LOCK");
    }

    @Test
    void withoutFallbackTheRuntimeFailureIsThrown() {
        ScriptedServer server = ScriptedServer.percona57()
                .fail("LOCK TABLES FOR BACKUP", "42000", 1227, "Access denied; you need the RELOAD privilege");
        assertThatThrownBy(() -> BackupSession.open(
                        server.dataSource(),
                        BackupOptions.builder().allowFallback(false).build()))
                .isInstanceOf(LockAcquisitionException.class)
                .hasMessageContaining("percona-backup-locks")
                .hasMessageContaining("1227");
        assertThat(server.openConnections()).isZero();
    }

    @Test
    void anUnreadableLogStatusOnPercona80RollsBackTheTablesLock() {
        ScriptedServer server = ScriptedServer.percona80()
                .fail(
                        "SELECT LOCAL FROM performance_schema.log_status",
                        "42000",
                        1142,
                        "SELECT command denied to user 'backup'@'%' for table 'log_status'");
        BackupSession s = BackupSession.open(server.dataSource(), PERCONA);
        assertThatThrownBy(s::coordinates)
                .hasMessageContaining("log_status")
                .satisfies(e -> assertThat(((BackupException) e).rolledBack()).contains("UNLOCK TABLES"));
        assertThat(server.locksHeldBy(SESSION_CONNECTION)).isEmpty();
    }

    /**
     * PS-7873 (before 8.0.27-18): a log_status read during a commit shows the commit's binlog position but
     * not its GTID. Core's LogStatus verifies the read against SHOW BINLOG EVENTS and waits for the set to
     * settle at the end of the log, so the coordinates include the commit.
     */
    @Test
    void percona80BeforeTheFixedBuildVerifiesALaggingLogStatus() throws Exception {
        ScriptedServer server =
                ScriptedServer.percona80().variable("version", "8.0.26-16").debugBuild();
        try (Connection writer = server.dataSource().getConnection();
                Connection control = server.dataSource().getConnection()) {
            execute(writer, "CREATE TABLE t(a INT) ENGINE=InnoDB");
            try (BackupSession s = BackupSession.open(server.dataSource(), PERCONA)) {
                execute(
                        writer,
                        "SET debug_sync = \"process_commit_stage_queue_before_handle_gtid SIGNAL flushed WAIT_FOR go\"");
                CompletableFuture<Void> insert =
                        CompletableFuture.runAsync(() -> executeUnchecked(writer, "INSERT INTO t VALUES(1)"));
                execute(control, "SET DEBUG_SYNC= 'now WAIT_FOR flushed'");
                String lagging = value(control, "SELECT LOCAL FROM performance_schema.log_status");
                assertThat(lagging)
                        .as("the position has the commit, the set has not")
                        .contains(":1-43")
                        .doesNotContain(":1-44");
                CompletableFuture.runAsync(() -> {
                    sleep(5);
                    executeUnchecked(control, "SET DEBUG_SYNC= 'now SIGNAL go'");
                });
                BinlogCoordinates c = s.coordinates();
                insert.get(5, TimeUnit.SECONDS);
                assertThat(c.gtidSet()).isEqualTo("3e11fa47-71ca-11e1-9e33-c80aa9429562:1-44");
                assertThat(c.toString()).isEqualTo(server.binlogPositionNow());
            }
        }
    }

    @Test
    void namedExplicitlyOnAServerWithoutBackupLocksItSaysSoAndSuggestsAlternatives() {
        assertThatThrownBy(() -> BackupSession.open(ScriptedServer.mysql8().dataSource(), PERCONA))
                .isInstanceOf(UnsupportedServerException.class)
                .hasMessageContaining("MySQL 8.0.15")
                .hasMessageContaining("only on Percona Server")
                .hasMessageContaining("auto")
                .hasMessageContaining("ftwrl");
        assertThatThrownBy(() -> BackupSession.open(
                        ScriptedServer.percona57()
                                .variable("have_backup_locks", "NO")
                                .dataSource(),
                        PERCONA))
                .isInstanceOf(UnsupportedServerException.class)
                .hasMessageContaining("have_backup_locks is not YES");
    }

    @Test
    void autoPicksBackupLocksOnPerconaAndNeverOnMysqlOrMariadb() {
        for (ScriptedServer percona : List.of(ScriptedServer.percona57(), ScriptedServer.percona80())) {
            try (BackupSession s = BackupSession.open(percona.dataSource(), BackupOptions.defaults())) {
                assertThat(s.strategy()).isEqualTo(PerconaBackupLocksStrategy.NAME);
            }
        }
        for (ScriptedServer other : List.of(ScriptedServer.mysql8(), ScriptedServer.mariadb11())) {
            try (BackupSession s = BackupSession.open(other.dataSource(), BackupOptions.defaults())) {
                assertThat(s.strategy()).isNotEqualTo(PerconaBackupLocksStrategy.NAME);
            }
        }
    }

    // ---- helpers ----

    /** Opens a session, takes two snapshot connections, closes the session; the snapshots stay open. */
    private static List<Connection> twoSnapshots(ScriptedServer server, BackupOptions options) {
        try (BackupSession s = BackupSession.open(server.dataSource(), options)) {
            return s.snapshotConnections(2);
        }
    }

    private static void closeAllAndExpectNoneOpen(List<Connection> snapshots, ScriptedServer server) throws Exception {
        for (Connection c : snapshots) {
            c.close();
        }
        assertThat(server.openConnections()).isZero();
    }

    /** A pool of one connection that survives close(), as a pool hands the same physical connection out again. */
    private static DataSource poolOfOne(DataSource source) throws SQLException {
        Connection physical = source.getConnection();
        Connection pooled = (Connection) Proxy.newProxyInstance(
                PerconaScriptedTest.class.getClassLoader(),
                new Class<?>[] {Connection.class},
                (p, m, a) -> m.getName().equals("close") || m.getName().equals("abort") ? null : m.invoke(physical, a));
        return (DataSource) Proxy.newProxyInstance(
                PerconaScriptedTest.class.getClassLoader(),
                new Class<?>[] {DataSource.class},
                (p, m, a) -> m.getName().equals("getConnection") ? pooled : m.invoke(source, a));
    }

    private static void execute(Connection c, String... statements) throws SQLException {
        try (Statement st = c.createStatement()) {
            for (String s : statements) {
                st.execute(s);
            }
        }
    }

    private static void executeUnchecked(Connection c, String statement) {
        try {
            execute(c, statement);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String value(Connection c, String query) throws SQLException {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(query)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static long count(Connection c, String query) throws SQLException {
        return Long.parseLong(value(c, query));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static String captureStdErr(Runnable r) {
        PrintStream original = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            r.run();
        } finally {
            System.setErr(original);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }
}
