package io.github.quiesce.percona;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.quiesce.BackupOptions;
import io.github.quiesce.BackupSession;
import io.github.quiesce.LockAcquisitionException;
import io.github.quiesce.MissingPrivilegeException;
import io.github.quiesce.UnsupportedServerException;
import io.github.quiesce.spi.Snapshots;
import io.github.quiesce.testkit.scripted.ScriptedServer;
import io.github.quiesce.testkit.scripted.ScriptedServer.Result;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Percona Server cannot run here: these tests drive the strategy against a scripted server that answers
 * as Percona Server 5.7 and 8.0 do (variables, grants, error codes from Percona's documentation) and
 * assert the exact statements. The lock behaviour itself is checked by {@code PerconaServerContainerIT}
 * where Docker runs.
 */
class PerconaScriptedTest {

    static final BackupOptions PERCONA = BackupOptions.builder().strategy(PerconaBackupLocksStrategy.NAME)
            .lockWaitTimeout(Duration.ofSeconds(5)).build();
    static final String LOG_STATUS_JSON = "{\"gtid_executed\": \"3e11fa47-71ca-11e1-9e33-c80aa9429562:1-77\","
            + " \"binary_log_file\": \"binlog.000009\", \"binary_log_position\": 4321}";

    static ScriptedServer ps57() {
        return ScriptedServer.percona57()
                .answer(PerconaBackupLocksStrategy.OWN_GLOBAL_LOCKS, Result.of(List.of("COUNT(*)"), List.of(List.of("0"))))
                .answer(PerconaBackupLocksStrategy.DELAYED_KEY_TABLES, Result.empty("name"));
    }

    static ScriptedServer ps80() {
        return ScriptedServer.percona80()
                .answer(PerconaBackupLocksStrategy.OWN_GLOBAL_LOCKS, Result.of(List.of("COUNT(*)"), List.of(List.of("0"))))
                .answer(PerconaBackupLocksStrategy.DELAYED_KEY_TABLES, Result.empty("name"))
                .answer("SELECT LOCAL FROM performance_schema.log_status", Result.of(List.of("LOCAL"), List.of(List.of(LOG_STATUS_JSON))))
                // Percona Server 8.0 has no LOCK BINLOG FOR BACKUP: the parser rejects it.
                .fail("LOCK BINLOG FOR BACKUP", "42000", 1064, "You have an error in your SQL syntax; ... near 'BINLOG FOR BACKUP'");
    }

    @Test
    void percona57TakesTheBinlogLockOnlyWhileReadingCoordinates() {
        ScriptedServer server = ps57();
        try (BackupSession s = BackupSession.open(server.dataSource(), PERCONA)) {
            assertThat(server.statementsAfterProbe()).endsWith("LOCK TABLES FOR BACKUP");
            assertThat(s.coordinates().file()).isEqualTo("binlog.000003");
        }
        assertThat(server.statementsAfterProbe()).containsExactly(
                "SET SESSION lock_wait_timeout = 5",
                PerconaBackupLocksStrategy.OWN_GLOBAL_LOCKS,
                PerconaBackupLocksStrategy.DELAYED_KEY_TABLES,
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
        ScriptedServer server = ps80();
        try (BackupSession s = BackupSession.open(server.dataSource(), PERCONA)) {
            assertThat(s.coordinates().toString()).isEqualTo("binlog.000009:4321 3e11fa47-71ca-11e1-9e33-c80aa9429562:1-77");
        }
        assertThat(server.statementsAfterProbe()).containsExactly(
                "SET SESSION lock_wait_timeout = 5",
                PerconaBackupLocksStrategy.OWN_GLOBAL_LOCKS,
                PerconaBackupLocksStrategy.DELAYED_KEY_TABLES,
                "LOCK TABLES FOR BACKUP",
                "SELECT LOCAL FROM performance_schema.log_status",
                "UNLOCK TABLES",
                "SET SESSION lock_wait_timeout = 31536000");
    }

    @Test
    void innodbOnlyCoordinatesUseTheSnapshotStatusInsteadOfTheBinlogLock() {
        ScriptedServer server = ps57().answer(PerconaBackupLocksStrategy.SNAPSHOT_STATUS, Result.of(List.of("Variable_name", "Value"),
                List.of(List.of("Binlog_snapshot_file", "binlog.000004"), List.of("Binlog_snapshot_position", "777"))));
        BackupOptions o = PERCONA.toBuilder().set(PerconaBackupLocksStrategy.INNODB_ONLY_COORDINATES, true).build();
        try (BackupSession s = BackupSession.open(server.dataSource(), o)) {
            assertThat(s.coordinates().file()).isEqualTo("binlog.000004");
            assertThat(s.coordinates().position()).isEqualTo(777);
        }
        assertThat(server.statementsAfterProbe()).doesNotContain("LOCK BINLOG FOR BACKUP")
                .containsSubsequence("LOCK TABLES FOR BACKUP", "START TRANSACTION WITH CONSISTENT SNAPSHOT",
                        PerconaBackupLocksStrategy.SNAPSHOT_STATUS, "COMMIT", "UNLOCK TABLES");
    }

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

    @Test
    void percona57SnapshotConnectionsStartWhileTheBinlogLockStopsCommits() throws Exception {
        ScriptedServer server = ps57();
        List<Connection> snapshots = twoSnapshots(server, PERCONA);
        assertThat(server.statementsAfterProbe()).containsSubsequence("LOCK BINLOG FOR BACKUP", "SHOW MASTER STATUS",
                Snapshots.START, Snapshots.START, "UNLOCK BINLOG", "UNLOCK TABLES");
        assertThat(server.openConnections()).as("the snapshots outlive the session").isEqualTo(2);
        closeAllAndExpectNoneOpen(snapshots, server);
    }

    /** Percona's mysqldump --lock-for-backup --single-transaction, for n connections: no lock on commits at all. */
    @Test
    void consistentSnapshotVariantClonesTheSessionsSnapshotIntoEachConnection() throws Exception {
        ScriptedServer server = ps57().answer(PerconaBackupLocksStrategy.SNAPSHOT_STATUS, Result.of(List.of("Variable_name", "Value"),
                List.of(List.of("Binlog_snapshot_file", "binlog.000004"), List.of("Binlog_snapshot_position", "777"))));
        BackupOptions o = PERCONA.toBuilder().set(PerconaBackupLocksStrategy.INNODB_ONLY_COORDINATES, true).build();
        List<Connection> snapshots;
        try (BackupSession s = BackupSession.open(server.dataSource(), o)) {
            snapshots = s.snapshotConnections(2);
            assertThat(s.coordinates().toString()).startsWith("binlog.000004:777");
        }
        assertThat(server.statementsAfterProbe()).doesNotContain("LOCK BINLOG FOR BACKUP")
                .containsSubsequence("LOCK TABLES FOR BACKUP", "START TRANSACTION WITH CONSISTENT SNAPSHOT",
                        PerconaBackupLocksStrategy.SNAPSHOT_STATUS,
                        "START TRANSACTION WITH CONSISTENT SNAPSHOT FROM SESSION 100",
                        "START TRANSACTION WITH CONSISTENT SNAPSHOT FROM SESSION 100", "COMMIT", "UNLOCK TABLES");
        closeAllAndExpectNoneOpen(snapshots, server);
    }

    @Test
    void percona80SnapshotConnectionsStartUnderAOneSecondBoundedGlobalReadLock() throws Exception {
        ScriptedServer server = ps80();
        List<Connection> snapshots = twoSnapshots(server, PERCONA);
        assertThat(server.statementsAfterProbe()).containsSubsequence("LOCK TABLES FOR BACKUP",
                "SET SESSION lock_wait_timeout = 1", "FLUSH TABLES WITH READ LOCK", "SET SESSION lock_wait_timeout = 5",
                "SELECT LOCAL FROM performance_schema.log_status", Snapshots.START, Snapshots.START,
                "UNLOCK TABLES", "UNLOCK TABLES");
        closeAllAndExpectNoneOpen(snapshots, server);
    }

    @Test
    void percona80WithoutReloadStartsSnapshotsBetweenTwoIdenticalLogStatusReads() throws Exception {
        ScriptedServer server = ps80().grants("GRANT SELECT ON *.* TO `backup`@`%`", "GRANT BACKUP_ADMIN ON *.* TO `backup`@`%`");
        List<Connection> snapshots = twoSnapshots(server, PERCONA);
        assertThat(server.statementsAfterProbe()).doesNotContain("FLUSH TABLES WITH READ LOCK").containsSubsequence(
                "LOCK TABLES FOR BACKUP", "SELECT LOCAL FROM performance_schema.log_status", Snapshots.START, Snapshots.START,
                "SELECT LOCAL FROM performance_schema.log_status", "UNLOCK TABLES");
        closeAllAndExpectNoneOpen(snapshots, server);
    }

    @Test
    void innodbOnlyCoordinatesFallBackToTheSafeOrderWithoutSafeBinlogInfo() {
        ScriptedServer server = ps57().variable("have_backup_safe_binlog_info", "NO");
        BackupOptions o = PERCONA.toBuilder().set(PerconaBackupLocksStrategy.INNODB_ONLY_COORDINATES, true).build();
        try (BackupSession s = BackupSession.open(server.dataSource(), o)) {
            s.coordinates();
        }
        assertThat(server.statementsAfterProbe()).contains("LOCK BINLOG FOR BACKUP", "UNLOCK BINLOG");
    }

    @Test
    void privilegesAreCheckedPerGeneration() {
        ScriptedServer ps57 = ps57().grants("GRANT SELECT, REPLICATION CLIENT ON *.* TO `backup`@`%`");
        assertThatThrownBy(() -> BackupSession.open(ps57.dataSource(), PERCONA))
                .isInstanceOf(MissingPrivilegeException.class).hasMessageContaining("RELOAD (for LOCK TABLES FOR BACKUP)");
        ScriptedServer ps80 = ps80().grants("GRANT RELOAD, REPLICATION CLIENT ON *.* TO `backup`@`%`");
        assertThatThrownBy(() -> BackupSession.open(ps80.dataSource(), PERCONA))
                .isInstanceOf(MissingPrivilegeException.class).hasMessageContaining("BACKUP_ADMIN");
        assertThat(ps57.statementsAfterProbe()).isEmpty();
        assertThat(ps80.statementsAfterProbe()).isEmpty();
    }

    @Test
    void delayKeyWriteAllIsRefusedBeforeLockingAndExplained() {
        ScriptedServer server = ps57().variable("delay_key_write", "ALL");
        assertThatThrownBy(() -> BackupSession.open(server.dataSource(), PERCONA))
                .isInstanceOf(UnsupportedServerException.class)
                .hasMessageContaining("delay_key_write=ALL").hasMessageContaining("stale").hasMessageContaining("SET GLOBAL delay_key_write=ON");
        assertThat(server.statementsAfterProbe()).isEmpty();
    }

    @Test
    void underAutoDelayKeyWriteAllFallsToFtwrlAndSaysWhy() {
        ScriptedServer server = ps57().variable("delay_key_write", "ALL");
        try (BackupSession s = BackupSession.open(server.dataSource(), BackupOptions.defaults())) {
            assertThat(s.strategy()).isEqualTo("ftwrl");
        }
        assertThat(server.statementsAfterProbe()).contains("FLUSH TABLES WITH READ LOCK").doesNotContain("LOCK TABLES FOR BACKUP");
    }

    @Test
    void tablesWithDelayKeyWriteAreListedAtWarn() {
        ScriptedServer server = ps57().answer(PerconaBackupLocksStrategy.DELAYED_KEY_TABLES,
                Result.of(List.of("name"), List.of(List.of("app.hits"), List.of("app.counters"))));
        String err = captureStdErr(() -> {
            try (BackupSession s = BackupSession.open(server.dataSource(), PERCONA)) {
                s.coordinates();
            }
        });
        assertThat(err).contains("WARN").contains("[app.hits, app.counters]").contains("DELAY_KEY_WRITE");
    }

    @Test
    void error1880IsTypedAndNamesTheConflictingStatement() {
        ScriptedServer server = ps57().fail("LOCK BINLOG FOR BACKUP", "HY000", 1880,
                "Can't execute the query because you have a conflicting backup lock");
        BackupSession s = BackupSession.open(server.dataSource(), PERCONA);
        assertThatThrownBy(s::coordinates)
                .isInstanceOfSatisfying(ConflictingBackupLockException.class, e -> {
                    assertThat(e.vendorCode()).isEqualTo(1880);
                    assertThat(e.statement()).isEqualTo("LOCK BINLOG FOR BACKUP");
                    assertThat(e.rolledBack()).containsExactly("UNLOCK TABLES", "SET SESSION lock_wait_timeout = 31536000");
                })
                .hasMessageContaining("LOCK BINLOG FOR BACKUP conflicts with a backup lock");
        assertThat(server.statementsAfterProbe()).doesNotContain("UNLOCK BINLOG");
        assertThat(server.openConnections()).isZero();
    }

    @Test
    void aFailedUnlockBinlogStillReleasesTheTablesLock() {
        ScriptedServer server = ps57().fail("UNLOCK BINLOG", "HY000", 1105, "Unknown error");
        BackupSession s = BackupSession.open(server.dataSource(), PERCONA);
        assertThatThrownBy(s::coordinates).hasMessageContaining("UNLOCK BINLOG");
        assertThat(server.statementsAfterProbe()).endsWith("UNLOCK BINLOG", "UNLOCK TABLES", "SET SESSION lock_wait_timeout = 31536000");
        assertThat(server.openConnections()).isZero();
    }

    @Test
    void aConnectionThatAlreadyHoldsFtwrlIsRefused() {
        ScriptedServer server = ps57().answer(PerconaBackupLocksStrategy.OWN_GLOBAL_LOCKS, Result.of(List.of("COUNT(*)"), List.of(List.of("1"))));
        assertThatThrownBy(() -> BackupSession.open(server.dataSource(), PERCONA))
                .isInstanceOf(LockAcquisitionException.class).hasMessageContaining("already holds a global read lock");
        assertThat(server.statementsAfterProbe()).doesNotContain("LOCK TABLES FOR BACKUP");
    }

    @Test
    void underAutoARuntimeFailureRollsBackAndFallsThroughToFtwrl() {
        ScriptedServer server = ps57().fail("LOCK TABLES FOR BACKUP", "42000", 1227, "Access denied; you need the RELOAD privilege");
        String err = captureStdErr(() -> {
            try (BackupSession s = BackupSession.open(server.dataSource(), BackupOptions.defaults())) {
                assertThat(s.strategy()).isEqualTo("ftwrl");
                s.coordinates();
            }
        });
        assertThat(err).contains("WARN").contains("falling back to 'ftwrl'");
        assertThat(server.statementsAfterProbe()).containsSubsequence("LOCK TABLES FOR BACKUP",
                "SET SESSION lock_wait_timeout = 31536000", "SET SESSION lock_wait_timeout = 60", "FLUSH TABLES WITH READ LOCK");
    }

    @Test
    void withoutFallbackTheRuntimeFailureIsThrown() {
        ScriptedServer server = ps57().fail("LOCK TABLES FOR BACKUP", "42000", 1227, "Access denied; you need the RELOAD privilege");
        assertThatThrownBy(() -> BackupSession.open(server.dataSource(), BackupOptions.builder().allowFallback(false).build()))
                .isInstanceOf(LockAcquisitionException.class).hasMessageContaining("percona-backup-locks").hasMessageContaining("1227");
        assertThat(server.openConnections()).isZero();
    }

    @Test
    void anUnreadableLogStatusOnPercona80RollsBackTheTablesLock() {
        ScriptedServer server = ps80().fail("SELECT LOCAL FROM performance_schema.log_status", "42000", 1142,
                "SELECT command denied to user 'backup'@'%' for table 'log_status'");
        BackupSession s = BackupSession.open(server.dataSource(), PERCONA);
        assertThatThrownBy(s::coordinates).hasMessageContaining("log_status")
                .satisfies(e -> assertThat(((io.github.quiesce.BackupException) e).rolledBack()).contains("UNLOCK TABLES"));
    }

    @Test
    void namedExplicitlyOnAServerWithoutBackupLocksItSaysSoAndSuggestsAlternatives() {
        assertThatThrownBy(() -> BackupSession.open(ScriptedServer.mysql8().dataSource(), PERCONA))
                .isInstanceOf(UnsupportedServerException.class)
                .hasMessageContaining("MySQL 8.0.15").hasMessageContaining("only on Percona Server")
                .hasMessageContaining("auto").hasMessageContaining("ftwrl");
        assertThatThrownBy(() -> BackupSession.open(ps57().variable("have_backup_locks", "NO").dataSource(), PERCONA))
                .isInstanceOf(UnsupportedServerException.class).hasMessageContaining("have_backup_locks is not YES");
    }

    @Test
    void autoPicksBackupLocksOnPerconaAndNeverOnMysqlOrMariadb() {
        for (ScriptedServer percona : List.of(ps57(), ps80())) {
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
