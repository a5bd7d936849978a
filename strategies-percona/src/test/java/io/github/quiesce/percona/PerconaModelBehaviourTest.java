package io.github.quiesce.percona;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.quiesce.testkit.scripted.ScriptedServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What the Percona model does that no MTR assertion shows, each taken from Percona's source (5.7.22 and
 * 8.0.27-18 trees, as cited). These are not conformance cases: nothing runs them against the real images.
 */
class PerconaModelBehaviourTest {

    /** 5.7 sql/sql_parse.cc:2400: LOCK TABLES FOR BACKUP checks RELOAD. */
    @Test
    void on57TheTablesBackupLockNeedsReload() throws Exception {
        ScriptedServer server = ScriptedServer.percona57();
        try (Connection admin = server.dataSource().getConnection()) {
            execute(admin, "CREATE USER 'u1'@'%'", "GRANT PROCESS ON *.* TO 'u1'@'%'");
            try (Connection u1 = server.dataSource("u1").getConnection()) {
                assertThatThrownBy(() -> execute(u1, "LOCK TABLES FOR BACKUP"))
                        .isInstanceOfSatisfying(SQLException.class, e -> {
                            assertThat(e.getErrorCode()).isEqualTo(1227);
                            assertThat(e.getMessage()).contains("RELOAD");
                        });
                execute(admin, "GRANT RELOAD ON *.* TO 'u1'@'%'");
                execute(u1, "LOCK TABLES FOR BACKUP", "LOCK BINLOG FOR BACKUP", "UNLOCK BINLOG", "UNLOCK TABLES");
            }
        }
    }

    /** 8.0's grammar has no LOCK BINLOG FOR BACKUP. */
    @Test
    void on80LockBinlogForBackupIsASyntaxError() throws Exception {
        try (Connection c = ScriptedServer.percona80().dataSource().getConnection()) {
            assertThatThrownBy(() -> execute(c, "LOCK BINLOG FOR BACKUP"))
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getErrorCode())
                            .isEqualTo(1064));
        }
    }

    /** 5.7 sql/lock.cc:1123-1124: the binlog lock may not be upgraded to FTWRL either. */
    @Test
    void on57FlushTablesWithReadLockUnderTheBinlogLockIsAConflict() throws Exception {
        try (Connection c = ScriptedServer.percona57().dataSource().getConnection()) {
            execute(c, "LOCK BINLOG FOR BACKUP");
            assertThatThrownBy(() -> execute(c, "FLUSH TABLES WITH READ LOCK"))
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(PerconaErrors.isConflictingBackupLock(
                                    PerconaGeneration.PS_57, e.getSQLState(), e.getErrorCode(), e.getMessage()))
                            .isTrue());
        }
    }

    /** 5.7 sql/sql_parse.cc:2408-2414: under the connection's own FTWRL, LOCK TABLES FOR BACKUP succeeds and takes nothing. */
    @Test
    void underItsOwnGlobalReadLockTheTablesBackupLockIsANoOp() throws Exception {
        ScriptedServer server = ScriptedServer.percona57();
        try (Connection c = server.dataSource().getConnection()) {
            execute(c, "FLUSH TABLES WITH READ LOCK", "LOCK TABLES FOR BACKUP");
            assertThat(server.locksHeldBy(100)).containsExactly("FLUSH TABLES WITH READ LOCK");
            execute(c, "UNLOCK TABLES");
            assertThat(server.locksHeldBy(100)).isEmpty();
        }
    }

    /** 5.7 ships wait/lock/metadata/sql/mdl off: performance_schema.metadata_locks shows no lock at all. */
    @Test
    void on57MetadataLocksShowNothingUntilTheInstrumentIsEnabled() throws Exception {
        try (Connection c = ScriptedServer.percona57().dataSource().getConnection()) {
            assertThat(value(c, BackupLockStatements.MDL_INSTRUMENT)).isEqualTo("NO");
            execute(c, "FLUSH TABLES WITH READ LOCK");
            assertThat(value(c, BackupLockStatements.OWN_GLOBAL_READ_LOCK)).isEqualTo("0");
        }
    }

    /** 8.0 sql/sql_class.cc:1030-1031: a connection's tables backup lock ends with it, and those waiting go on. */
    @Test
    void aClosedConnectionsBackupLockEndsWithIt() throws Exception {
        ScriptedServer server = ScriptedServer.percona80();
        try (Connection writer = server.dataSource().getConnection()) {
            execute(writer, "CREATE TABLE t(a INT) ENGINE=MyISAM", "SET SESSION lock_wait_timeout = 10");
            Connection holder = server.dataSource().getConnection();
            execute(holder, "LOCK TABLES FOR BACKUP");
            CompletableFuture<Void> insert =
                    CompletableFuture.runAsync(() -> executeUnchecked(writer, "INSERT INTO t VALUES(1)"));
            Thread.sleep(100);
            assertThat(insert).isNotDone();
            holder.close();
            insert.get(5, TimeUnit.SECONDS);
        }
    }

    /**
     * PS-7873 (percona/percona-server PR 4467): before 8.0.27-18 log_status read the binary log under
     * LOCK_log and gtid_executed later, so a commit between its flush and commit stages shows in the
     * position but not in the set.
     */
    @Test
    void before8027_18LogStatusLagsACommitInFlight() throws Exception {
        ScriptedServer server =
                ScriptedServer.percona80().variable("version", "8.0.26-16").debugBuild();
        try (Connection writer = server.dataSource().getConnection();
                Connection reader = server.dataSource().getConnection()) {
            execute(
                    writer,
                    "CREATE TABLE t(a INT) ENGINE=InnoDB",
                    "SET debug_sync = \"process_commit_stage_queue_before_handle_gtid SIGNAL flushed WAIT_FOR go\"");
            CompletableFuture<Void> insert =
                    CompletableFuture.runAsync(() -> executeUnchecked(writer, "INSERT INTO t VALUES(1)"));
            execute(reader, "SET DEBUG_SYNC= 'now WAIT_FOR flushed'");
            String during = value(reader, "SELECT LOCAL FROM performance_schema.log_status");
            execute(reader, "SET DEBUG_SYNC= 'now SIGNAL go'");
            insert.get(5, TimeUnit.SECONDS);
            String after = value(reader, "SELECT LOCAL FROM performance_schema.log_status");
            assertThat(during)
                    .as("same position as after the commit")
                    .contains("\"binary_log_position\": 1714")
                    .as("but without its GTID")
                    .contains(":1-43\"");
            assertThat(after).contains("\"binary_log_position\": 1714").contains(":1-44\"");
        }
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
}
