package io.github.quiesce.testkit.restore;

import io.github.quiesce.testkit.EmbeddedServer;
import io.github.quiesce.testkit.ServerConfig;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

/**
 * A fresh server that receives the copy and replays the source's log from the copy's coordinates, the
 * way a DBA builds a replica from a logical dump. One per source flavour is reused: each restore first
 * wipes what the previous one left (replication, the schema, the binary log and the GTID state).
 */
public final class RestoreTarget {

    private static final long POLL_MILLIS = 20;

    private final EmbeddedServer server;
    private final boolean mariaDb;

    public RestoreTarget(EmbeddedServer server) {
        this.server = server;
        this.mariaDb = server.distribution().isMariaDb();
    }

    /**
     * How to start a target: GTIDs as on its sources (a GTID-on MySQL replica refuses anonymous
     * transactions), a server id no source has (a replica skips events with its own id), and commits
     * without fsync, since a scratch copy that crashes is simply made again.
     */
    public static ServerConfig config(boolean gtid, int serverId) {
        return ServerConfig.defaults()
                .withGtid(gtid)
                .withServerId(serverId)
                .withArgs("--innodb-flush-log-at-trx-commit=2", "--sync-binlog=0");
    }

    public EmbeddedServer server() {
        return server;
    }

    /**
     * Loads {@code dump}, replays {@code source}'s log from {@code point} the {@code mode} way until the
     * source's current end (its writers must have stopped), and compares every row with the source.
     */
    public Verdict restore(
            SnapshotDump dump, ReplicationSource source, ReplayPoint point, ReplayMode mode, Duration timeout) {
        try (Connection c = server.connect();
                Statement st = c.createStatement()) {
            // Nothing of the restore itself is logged: the target's log and GTIDs hold only what it replays.
            st.execute("SET SESSION sql_log_bin = 0");
            reset(st, dump.schema());
            dump.loadInto(c);
            for (String statement : replicationStatements(source, point, mode)) {
                st.execute(statement);
            }
            st.execute("START SLAVE");
            try {
                return verdict(c, source, dump.schema(), mode, timeout);
            } finally {
                st.execute("STOP SLAVE");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Restoring on " + server + " failed: " + e.getMessage(), e);
        }
    }

    private void reset(Statement st, String schema) throws SQLException {
        st.execute("STOP SLAVE");
        st.execute("RESET SLAVE ALL");
        st.execute("DROP DATABASE IF EXISTS " + Identifiers.quoted(schema));
        st.execute("RESET MASTER");
        if (mariaDb) {
            st.execute("SET GLOBAL gtid_slave_pos = ''");
        }
    }

    private List<String> replicationStatements(ReplicationSource source, ReplayPoint point, ReplayMode mode) {
        String change = "CHANGE MASTER TO " + source.connectionClause() + ", ";
        if (mode == ReplayMode.FILE_POSITION) {
            return List.of(change + "MASTER_LOG_FILE='" + point.file() + "', MASTER_LOG_POS=" + point.position() + ", "
                    + (mariaDb ? "MASTER_USE_GTID=no" : "MASTER_AUTO_POSITION=0"));
        }
        if (point.gtidSet().isEmpty()) {
            throw new IllegalArgumentException("no GTID set to replay from by GTID: " + point);
        }
        return mariaDb
                ? List.of("SET GLOBAL gtid_slave_pos = '" + point.gtidSet() + "'", change + "MASTER_USE_GTID=slave_pos")
                : List.of(
                        "RESET MASTER",
                        "SET GLOBAL gtid_purged = '" + point.gtidSet() + "'",
                        change + "MASTER_AUTO_POSITION=1");
    }

    private Verdict verdict(Connection c, ReplicationSource source, String schema, ReplayMode mode, Duration timeout)
            throws SQLException {
        ReplayPoint end = source.endOfLog();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            ReplicaStatus status = ReplicaStatus.read(c);
            String failure = status.failure();
            if (failure != null) {
                return Verdict.diverged(mode.label() + ": " + failure);
            }
            if (caughtUp(c, status, end, mode)) {
                break;
            }
            if (System.nanoTime() > deadline) {
                return Verdict.diverged(mode.label() + ": did not reach the source's end " + end + " within " + timeout
                        + ": " + status);
            }
            sleep();
        }
        try (Connection onSource = source.server().connect()) {
            List<String> differences = TableContents.differences(onSource, c, schema);
            return differences.isEmpty()
                    ? Verdict.agrees()
                    : Verdict.diverged(mode.label() + ": " + String.join("; ", differences));
        }
    }

    /**
     * By position: the applier executed the source's log up to its end. By GTID the position may not move
     * when there is nothing to replay, so the GTIDs decide: MySQL's executed set contains the source's,
     * MariaDB's slave position has reached its binlog position.
     */
    private boolean caughtUp(Connection c, ReplicaStatus status, ReplayPoint end, ReplayMode mode) throws SQLException {
        if (mode == ReplayMode.FILE_POSITION) {
            return status.executedUpTo(end);
        }
        String check = mariaDb ? "SELECT MASTER_GTID_WAIT(?, 0) = 0" : "SELECT GTID_SUBSET(?, @@GLOBAL.gtid_executed)";
        try (PreparedStatement ps = c.prepareStatement(check)) {
            ps.setString(1, end.gtidSet());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(POLL_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for the replay", e);
        }
    }
}
