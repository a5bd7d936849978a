package io.github.quiesce.percona;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.quiesce.BackupOptions;
import io.github.quiesce.BackupSession;
import io.github.quiesce.BinlogCoordinates;
import io.github.quiesce.CoordinatesUnavailableException;
import io.github.quiesce.testkit.scripted.ScriptedServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The two bugs of issue 16 and the 8.0 path without a global read lock, against testkit's Percona model.
 * Written against the public API and statement texts only, so that the same class runs on the code before
 * the fix (where each of these failed; see the commit message).
 */
class Issue16BugsTest {

    static final BackupOptions PERCONA = BackupOptions.builder()
            .strategy(PerconaBackupLocksStrategy.NAME)
            .lockWaitTimeout(Duration.ofSeconds(5))
            .build();
    /** The model's first connection is the session's. */
    static final long SESSION_CONNECTION = 100;

    static final String START_SNAPSHOT = "START TRANSACTION WITH CONSISTENT SNAPSHOT";
    static final String SNAPSHOT_STATUS = "SHOW STATUS LIKE 'Binlog_snapshot_%'";

    // ---- Bug 1 (issue 16): Percona 8.0 snapshots took FLUSH TABLES WITH READ LOCK under LOCK TABLES FOR BACKUP ----

    /**
     * Before the fix, snapshots on 8.0 came from core's LogStatus.capture, which sends FLUSH TABLES WITH
     * READ LOCK on the session's connection: Percona refuses it there (backup_locks.inc:693,
     * ER_CANT_EXECUTE_WITH_BACKUP_LOCK), and the UNLOCK TABLES that follows drops the backup lock.
     */
    @Test
    void percona80SnapshotsCloneTheSessionsSnapshotUnderTheBackupLockWithoutAnyGlobalReadLock() throws Exception {
        ScriptedServer server = ScriptedServer.percona80();
        List<Connection> snapshots;
        try (BackupSession s = BackupSession.open(server.dataSource(), PERCONA)) {
            snapshots = s.snapshotConnections(2);
            assertThat(s.coordinates().toString())
                    .isEqualTo("binlog.000003:1234 3e11fa47-71ca-11e1-9e33-c80aa9429562:1-42");
            assertThat(server.locksHeldBy(SESSION_CONNECTION))
                    .as("the backup lock is held until close")
                    .contains("LOCK TABLES FOR BACKUP");
        }
        assertThat(server.statementsAfterProbe())
                .doesNotContain("FLUSH TABLES WITH READ LOCK")
                .containsSubsequence(
                        "LOCK TABLES FOR BACKUP",
                        START_SNAPSHOT,
                        SNAPSHOT_STATUS,
                        "START TRANSACTION WITH CONSISTENT SNAPSHOT FROM SESSION 100",
                        "START TRANSACTION WITH CONSISTENT SNAPSHOT FROM SESSION 100",
                        "COMMIT",
                        "UNLOCK TABLES");
        assertThat(server.statementsAfterProbe())
                .filteredOn("UNLOCK TABLES"::equals)
                .as("unlocked once, at close")
                .hasSize(1);
        closeAllAndExpectNoneOpen(snapshots, server);
    }

    /** The clones see the session's snapshot, not the commits that follow it. */
    @Test
    void percona80SnapshotConnectionsSeeExactlyTheDataAtTheCoordinates() throws Exception {
        ScriptedServer server = ScriptedServer.percona80();
        try (Connection writer = server.dataSource().getConnection()) {
            execute(writer, "CREATE TABLE t(a INT) ENGINE=InnoDB", "INSERT INTO t VALUES(1)");
            List<Connection> snapshots;
            BinlogCoordinates c;
            try (BackupSession s = BackupSession.open(server.dataSource(), PERCONA)) {
                snapshots = s.snapshotConnections(2);
                c = s.coordinates();
            }
            execute(writer, "INSERT INTO t VALUES(2)");
            for (Connection snapshot : snapshots) {
                assertThat(count(snapshot, "SELECT COUNT(*) FROM t")).isEqualTo(1);
                snapshot.close();
            }
            assertThat(server.binlogPositionNow())
                    .as("the later commit is after the coordinates")
                    .isNotEqualTo(c.toString());
        }
    }

    @Test
    void percona80SnapshotsNeedNoReloadPrivilege() throws Exception {
        ScriptedServer server = ScriptedServer.percona80()
                .grants("GRANT SELECT ON *.* TO `backup`@`%`", "GRANT BACKUP_ADMIN ON *.* TO `backup`@`%`");
        List<Connection> snapshots;
        try (BackupSession s = BackupSession.open(server.dataSource(), PERCONA)) {
            snapshots = s.snapshotConnections(2);
            s.coordinates();
        }
        assertThat(server.statementsAfterProbe())
                .doesNotContain("FLUSH TABLES WITH READ LOCK")
                .contains(START_SNAPSHOT);
        closeAllAndExpectNoneOpen(snapshots, server);
    }

    @Test
    void percona80SnapshotsWithGtidsOffUseTheBinlogSnapshotPosition() throws Exception {
        ScriptedServer server =
                ScriptedServer.percona80().variable("gtid_mode", "OFF").binlog("binlog.000007", 500, "");
        List<Connection> snapshots;
        try (BackupSession s = BackupSession.open(server.dataSource(), PERCONA)) {
            snapshots = s.snapshotConnections(1);
            assertThat(s.coordinates().toString()).isEqualTo("binlog.000007:500");
        }
        closeAllAndExpectNoneOpen(snapshots, server);
    }

    @Test
    void withGtidsOnABuildWithoutBinlogSnapshotGtidExecutedRefusesSnapshotsAndLeavesNothingLocked() throws Exception {
        ScriptedServer server = ScriptedServer.percona80().withoutBinlogSnapshotGtid();
        BackupSession s = BackupSession.open(server.dataSource(), PERCONA);
        assertThatThrownBy(() -> s.snapshotConnections(2))
                .isInstanceOf(CoordinatesUnavailableException.class)
                .hasMessageContaining("Binlog_snapshot_gtid_executed")
                .hasMessageContaining("PS-4464");
        assertThat(server.locksHeldBy(SESSION_CONNECTION)).isEmpty();
        assertThat(server.openConnections()).isZero();
    }

    @Test
    void percona80SnapshotsWithoutSafeBinlogInfoAreRefusedBeforeAnyStatement() {
        ScriptedServer server = ScriptedServer.percona80().variable("have_backup_safe_binlog_info", "NO");
        BackupSession s = BackupSession.open(server.dataSource(), PERCONA);
        assertThatThrownBy(() -> s.snapshotConnections(1))
                .isInstanceOf(CoordinatesUnavailableException.class)
                .hasMessageContaining("have_backup_safe_binlog_info")
                .hasMessageContaining("mysql-instance-lock");
        assertThat(server.statementsAfterProbe()).doesNotContain("FLUSH TABLES WITH READ LOCK", START_SNAPSHOT);
        assertThat(server.openConnections()).isZero();
    }

    /** The issue: "the strategy ignores INNODB_ONLY_COORDINATES on 8.0". */
    @Test
    void percona80HonoursInnodbOnlyCoordinates() {
        ScriptedServer server = ScriptedServer.percona80();
        BackupOptions o = PERCONA.toBuilder()
                .set(PerconaBackupLocksStrategy.INNODB_ONLY_COORDINATES, true)
                .build();
        try (BackupSession s = BackupSession.open(server.dataSource(), o)) {
            assertThat(s.coordinates().toString())
                    .isEqualTo("binlog.000003:1234 3e11fa47-71ca-11e1-9e33-c80aa9429562:1-42");
        }
        assertThat(server.statementsAfterProbe())
                .doesNotContain("SELECT LOCAL FROM performance_schema.log_status")
                .containsSubsequence(
                        "LOCK TABLES FOR BACKUP", START_SNAPSHOT, SNAPSHOT_STATUS, "COMMIT", "UNLOCK TABLES");
    }

    // ---- Bug 2 (issue 16): ER_CANT_EXECUTE_WITH_BACKUP_LOCK was matched as 1880 ----

    /** 3234 is the number of 5.7.22's message file; 1880 is ER_OLD_TEMPORALS_UPGRADED there. */
    @Test
    void conflictingBackupLockOn5722IsTyped() {
        ScriptedServer server = ScriptedServer.percona57()
                .conflictingBackupLockNumber(3234)
                .failWithConflictingBackupLock("LOCK BINLOG FOR BACKUP");
        assertConflictTyped(server, "LOCK BINLOG FOR BACKUP", 3234);
    }

    /** Later 5.7 releases number it differently (5.7.24 inserted ER_CANT_OPEN_ERROR_LOG before it): SQLState and message decide. */
    @Test
    void conflictingBackupLockOnOther57ReleasesIsTypedBySqlStateAndMessage() {
        ScriptedServer server = ScriptedServer.percona57()
                .conflictingBackupLockNumber(3240)
                .failWithConflictingBackupLock("LOCK BINLOG FOR BACKUP");
        assertConflictTyped(server, "LOCK BINLOG FOR BACKUP", 3240);
    }

    @Test
    void conflictingBackupLockOn80IsTypedByItsNumber7000() {
        ScriptedServer server = ScriptedServer.percona80()
                .failWithConflictingBackupLock("SELECT LOCAL FROM performance_schema.log_status");
        assertConflictTyped(server, "SELECT LOCAL FROM performance_schema.log_status", 7000);
    }

    private static void assertConflictTyped(ScriptedServer server, String statement, int code) {
        BackupSession s = BackupSession.open(server.dataSource(), PERCONA);
        assertThatThrownBy(s::coordinates)
                .isInstanceOfSatisfying(ConflictingBackupLockException.class, e -> {
                    assertThat(e.vendorCode()).isEqualTo(code);
                    assertThat(e.sqlState()).isEqualTo("HY000");
                    assertThat(e.statement()).isEqualTo(statement);
                    assertThat(e.rolledBack())
                            .containsExactly("UNLOCK TABLES", "SET SESSION lock_wait_timeout = 31536000");
                })
                .hasMessageContaining(statement + " conflicts with a backup lock");
        assertThat(server.locksHeldBy(SESSION_CONNECTION)).isEmpty();
        assertThat(server.openConnections()).isZero();
    }

    private static void closeAllAndExpectNoneOpen(List<Connection> snapshots, ScriptedServer server) throws Exception {
        for (Connection c : snapshots) {
            c.close();
        }
        assertThat(server.openConnections()).isZero();
    }

    private static void execute(Connection c, String... statements) throws SQLException {
        try (Statement st = c.createStatement()) {
            for (String s : statements) {
                st.execute(s);
            }
        }
    }

    private static long count(Connection c, String query) throws SQLException {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(query)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
