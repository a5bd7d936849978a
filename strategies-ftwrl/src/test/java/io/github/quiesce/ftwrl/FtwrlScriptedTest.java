package io.github.quiesce.ftwrl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.quiesce.BackupException;
import io.github.quiesce.BackupOptions;
import io.github.quiesce.BackupSession;
import io.github.quiesce.CoordinatesUnavailableException;
import io.github.quiesce.LockAcquisitionException;
import io.github.quiesce.LockLostException;
import io.github.quiesce.MissingPrivilegeException;
import io.github.quiesce.ReleaseException;
import io.github.quiesce.testkit.scripted.ScriptedServer;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Exact statement sequences and every rollback path, on a scripted server. Lock behaviour itself: the ITs. */
class FtwrlScriptedTest {

    static final BackupOptions FTWRL = BackupOptions.builder()
            .strategy("ftwrl")
            .lockWaitTimeout(Duration.ofSeconds(7))
            .build();

    @Test
    void issuesTheDocumentedSequenceAndRestoresTheSessionVariable() {
        ScriptedServer server = ScriptedServer.mysql8();
        try (BackupSession s = BackupSession.open(server.dataSource(), FTWRL)) {
            assertThat(s.coordinates().toString())
                    .isEqualTo("binlog.000003:1234 3e11fa47-71ca-11e1-9e33-c80aa9429562:1-42");
        }
        // The guard looks at performance_schema until the server has been quiet for its threshold: how often depends on
        // timing.
        assertThat(server.statementsAfterProbe())
                .filteredOn(FtwrlScriptedTest::guardLook)
                .isNotEmpty()
                .anyMatch(s -> s.contains("performance_schema.events_statements_current"));
        assertThat(server.statementsAfterProbe())
                .filteredOn(s -> !guardLook(s))
                .containsExactly(
                        "SET SESSION lock_wait_timeout = 7",
                        "FLUSH NO_WRITE_TO_BINLOG TABLES",
                        "FLUSH TABLES WITH READ LOCK",
                        "SHOW MASTER STATUS",
                        "UNLOCK TABLES",
                        "SET SESSION lock_wait_timeout = 31536000");
        assertThat(server.openConnections()).isZero();
    }

    @Test
    void mariadbGtidPositionComesFromItsVariable() {
        ScriptedServer server = ScriptedServer.mariadb11();
        try (BackupSession s = BackupSession.open(server.dataSource(), FTWRL)) {
            assertThat(s.coordinates().gtidSet()).isEqualTo("0-1-42");
        }
        assertThat(server.statementsAfterProbe()).contains("SHOW MASTER STATUS", "SELECT @@GLOBAL.gtid_binlog_pos");
    }

    @Test
    void mysql84UsesShowBinaryLogStatus() {
        ScriptedServer server = ScriptedServer.mysql8().variable("version", "8.4.3");
        try (BackupSession s = BackupSession.open(server.dataSource(), FTWRL)) {
            s.coordinates();
        }
        assertThat(server.statementsAfterProbe())
                .contains("SHOW BINARY LOG STATUS")
                .doesNotContain("SHOW MASTER STATUS");
        assertThat(server.statements()).contains("SHOW REPLICA STATUS");
    }

    @Test
    void aLockWaitTimeoutIsTypedSaysWhatHappenedAndWhatWasUndone() {
        ScriptedServer server = ScriptedServer.mysql8()
                .fail(
                        "FLUSH TABLES WITH READ LOCK",
                        "HY000",
                        1205,
                        "Lock wait timeout exceeded; try restarting transaction");
        assertThatThrownBy(() -> BackupSession.open(server.dataSource(), FTWRL))
                .isInstanceOfSatisfying(LockAcquisitionException.class, e -> {
                    assertThat(e.statement()).isEqualTo("FLUSH TABLES WITH READ LOCK");
                    assertThat(e.vendorCode()).isEqualTo(1205);
                    assertThat(e.sqlState()).isEqualTo("HY000");
                    assertThat(e.rolledBack()).containsExactly("SET SESSION lock_wait_timeout = 31536000");
                    assertThat(e.server()).contains("MySQL 8.0.15");
                })
                .hasMessageContaining("timed out after lock_wait_timeout=7s");
        // A failed FTWRL can still hold the global read lock (seen on MySQL 8.0.15): UNLOCK TABLES follows at once.
        assertThat(server.statementsAfterProbe())
                .endsWith("FLUSH TABLES WITH READ LOCK", "UNLOCK TABLES", "SET SESSION lock_wait_timeout = 31536000");
        assertThat(server.openConnections()).isZero();
    }

    @Test
    void aRefusedLockNamesTheServerError() {
        ScriptedServer server = ScriptedServer.mysql8()
                .fail(
                        "FLUSH NO_WRITE_TO_BINLOG TABLES",
                        "42000",
                        1227,
                        "Access denied; you need (at least one of) the RELOAD privilege(s) for this operation");
        assertThatThrownBy(() -> BackupSession.open(server.dataSource(), FTWRL))
                .isInstanceOf(LockAcquisitionException.class)
                .hasMessageContaining("RELOAD")
                .hasMessageContaining("error 1227");
        assertThat(server.openConnections()).isZero();
    }

    @Test
    void aFailedUnlockClosesTheConnectionPhysicallyAndSaysWhatMayStillBeHeld() {
        ScriptedServer server = ScriptedServer.mysql8().fail("UNLOCK TABLES", "HY000", 1105, "Unknown error");
        BackupSession s = BackupSession.open(server.dataSource(), FTWRL);
        assertThatThrownBy(s::close)
                .isInstanceOfSatisfying(ReleaseException.class, e -> {
                    assertThat(e.notRolledBack()).containsExactly("UNLOCK TABLES");
                    assertThat(e.rolledBack()).containsExactly("SET SESSION lock_wait_timeout = 31536000");
                })
                .hasMessageContaining("closed physically");
        assertThat(server.openConnections()).isZero();
        s.close(); // idempotent
    }

    @Test
    void aConnectionLostBeforeUnlockSaysThePointWasLostAndMakesSureTheServerEndedIt() {
        ScriptedServer server = ScriptedServer.mysql8()
                .fail("UNLOCK TABLES", "08S01", 2013, "Lost connection to MySQL server during query");
        BackupSession s = BackupSession.open(server.dataSource(), FTWRL);
        // The lock may have ended at any moment before: the caller must not trust the copy.
        assertThatThrownBy(s::close)
                .isInstanceOfSatisfying(LockLostException.class, e -> assertThat(e.rolledBack())
                        .anyMatch(step -> step.startsWith("KILL CONNECTION "))
                        .contains("UNLOCK TABLES (dropped by the server with the connection)"))
                .hasMessageContaining("Discard this backup");
        assertThat(server.openConnections()).isZero();
        s.close(); // idempotent
    }

    @Test
    void withTheBinaryLogOffTheSessionWorksButCoordinatesSaySo() {
        ScriptedServer server = ScriptedServer.mysql8().variable("log_bin", "OFF");
        try (BackupSession s = BackupSession.open(server.dataSource(), FTWRL)) {
            assertThatThrownBy(s::coordinates)
                    .isInstanceOf(CoordinatesUnavailableException.class)
                    .hasMessageContaining("binary log is disabled");
            assertThat(s.isOpen()).isTrue();
        }
        assertThat(server.statementsAfterProbe()).doesNotContain("SHOW MASTER STATUS");
    }

    @Test
    void withoutReloadNothingIsIssuedAfterTheProbe() {
        ScriptedServer server =
                ScriptedServer.mysql8().grants("GRANT SELECT, REPLICATION CLIENT ON *.* TO `backup`@`%`");
        assertThatThrownBy(() -> BackupSession.open(server.dataSource(), FTWRL))
                .isInstanceOf(MissingPrivilegeException.class)
                .hasMessageContaining("RELOAD (for FLUSH TABLES WITH READ LOCK)");
        assertThat(server.statementsAfterProbe()).isEmpty();
        assertThat(server.openConnections()).isZero();
    }

    @Test
    void aFailureWhileReadingCoordinatesReleasesTheLock() {
        ScriptedServer server = ScriptedServer.mysql8().fail("SHOW MASTER STATUS", "42000", 1227, "Access denied");
        BackupSession s = BackupSession.open(server.dataSource(), FTWRL);
        assertThatThrownBy(s::coordinates).isInstanceOfSatisfying(BackupException.class, e -> assertThat(e.rolledBack())
                .containsExactly("UNLOCK TABLES", "SET SESSION lock_wait_timeout = 31536000"));
        assertThat(s.isOpen()).isFalse();
        assertThat(server.openConnections()).isZero();
        assertThatThrownBy(s::coordinates).hasMessageContaining("never read");
    }

    @Test
    void somethingThatIsNotMysqlIsRejectedBeforeAnyLock() {
        ScriptedServer server = ScriptedServer.mysql8().variable("version", "PostgreSQL 16.2");
        assertThatThrownBy(() -> BackupSession.open(server.dataSource(), FTWRL))
                .isInstanceOf(io.github.quiesce.UnsupportedServerException.class)
                .hasMessageContaining("PostgreSQL 16.2");
        assertThat(server.openConnections()).isZero();
    }

    @Test
    void aStrategyBugAfterLockingStillRollsBackTheLock() {
        ScriptedServer server = ScriptedServer.mysql8()
                .binlog("binlog.000003", 1234, "x")
                .answer(
                        "SHOW MASTER STATUS",
                        io.github.quiesce.testkit.scripted.ScriptedServer.Result.of(
                                java.util.List.of("File", "Position"),
                                java.util.List.of(java.util.List.of("binlog.000003", "not-a-number"))));
        BackupSession s = BackupSession.open(server.dataSource(), FTWRL);
        assertThatThrownBy(s::coordinates)
                .isInstanceOfSatisfying(LockAcquisitionException.class, e -> assertThat(e.rolledBack())
                        .contains("UNLOCK TABLES"))
                .hasMessageContaining("failed unexpectedly");
        assertThat(server.statementsAfterProbe()).contains("UNLOCK TABLES");
        assertThat(server.openConnections()).isZero();
    }

    private static boolean guardLook(String statement) {
        return statement.contains("performance_schema.") || statement.contains("information_schema.");
    }
}
