package io.github.quiesce.testkit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Observations of a server's state that tests assert on. */
public final class ServerChecks {

    private ServerChecks() {}

    /** One binlog event: its type, its start and end positions and its info text. */
    public record BinlogEvent(String type, long position, long endPosition, String info) {}

    /** The first event at exactly {@code file:position}; empty at the end of the log. */
    public static Optional<BinlogEvent> eventAt(EmbeddedServer server, String file, long position) {
        try (Connection c = server.connect();
                PreparedStatement ps = c.prepareStatement("SHOW BINLOG EVENTS IN ? FROM ? LIMIT 1")) {
            ps.setString(1, file);
            ps.setLong(2, position);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new BinlogEvent(
                        rs.getString("Event_type"),
                        rs.getLong("Pos"),
                        rs.getLong("End_log_pos"),
                        rs.getString("Info")));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "SHOW BINLOG EVENTS IN " + file + " FROM " + position + " failed: " + e.getMessage(), e);
        }
    }

    /** {@code CONNECTION_ID()} of a connection, to KILL its statement from another. */
    public static long connectionId(Connection c) {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT CONNECTION_ID()")) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException("SELECT CONNECTION_ID() failed: " + e.getMessage(), e);
        }
    }

    /** The first column of the first row of a query run as root. */
    public static String scalar(EmbeddedServer server, String query) {
        try (Connection c = server.connect();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(query)) {
            return rs.next() ? rs.getString(1) : null;
        } catch (SQLException e) {
            throw new IllegalStateException(query + " failed: " + e.getMessage(), e);
        }
    }

    public static long count(EmbeddedServer server, String query) {
        String v = scalar(server, query);
        return v == null ? 0 : Long.parseLong(v);
    }

    /**
     * Runs a statement on a new connection in the background. Use {@link CompletableFuture#isDone()}
     * to see whether it is blocked.
     */
    public static CompletableFuture<Long> runAsync(EmbeddedServer server, String statement) {
        return CompletableFuture.supplyAsync(() -> {
            long start = System.nanoTime();
            try (Connection c = server.connect();
                    Statement st = c.createStatement()) {
                st.execute(statement);
                return (System.nanoTime() - start) / 1_000_000;
            } catch (SQLException e) {
                throw new IllegalStateException(statement + " failed: " + e.getMessage(), e);
            }
        });
    }

    /** Whether a statement completes within the time, on a new connection (false: still blocked). */
    public static boolean completesWithin(EmbeddedServer server, String statement, long millis) {
        CompletableFuture<Long> f = runAsync(server, statement);
        try {
            f.get(millis, TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            f.cancel(true);
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        }
    }

    /**
     * Whether a DDL runs within 3 s on a new connection, which no global read lock, backup lock, backup
     * stage or table lock left behind would allow. It creates and drops {@code schema.ddl_probe}.
     */
    public static boolean ddlRunsAtOnce(EmbeddedServer server, String schema) {
        if (!schema.matches("[A-Za-z0-9_]+")) {
            throw new IllegalArgumentException("not a plain identifier: " + schema);
        }
        if (!completesWithin(server, "CREATE TABLE IF NOT EXISTS " + schema + ".ddl_probe (id INT)", 3_000)) {
            return false;
        }
        server.execute("DROP TABLE " + schema + ".ddl_probe");
        return true;
    }

    /**
     * MySQL 8: number of global (server-wide) metadata locks held, e.g. by FLUSH TABLES WITH READ LOCK or
     * LOCK INSTANCE FOR BACKUP, from {@code performance_schema.metadata_locks}.
     */
    public static long globalMetadataLocks(EmbeddedServer server) {
        return count(
                server,
                "SELECT COUNT(*) FROM performance_schema.metadata_locks "
                        + "WHERE OBJECT_TYPE IN ('GLOBAL', 'COMMIT', 'BACKUP LOCK') AND LOCK_STATUS = 'GRANTED'");
    }

    /**
     * MySQL 8: global read locks, commit locks and backup locks held in SHARED mode, as FTWRL and LOCK
     * INSTANCE FOR BACKUP take them; unlike {@link #globalMetadataLocks}, blind to the intention locks
     * that every running writer holds, so it can be asked while writers run.
     */
    public static long backupLocksHeld(EmbeddedServer server) {
        return count(
                server,
                "SELECT COUNT(*) FROM performance_schema.metadata_locks WHERE OBJECT_TYPE IN"
                        + " ('GLOBAL', 'COMMIT', 'BACKUP LOCK') AND LOCK_TYPE = 'SHARED' AND LOCK_STATUS = 'GRANTED'");
    }

    /** Sessions whose state says they wait for a global read lock or a backup lock. */
    public static long sessionsWaitingForLock(EmbeddedServer server) {
        return count(
                server,
                "SELECT COUNT(*) FROM information_schema.PROCESSLIST "
                        + "WHERE STATE LIKE 'Waiting for global read lock%' OR STATE LIKE 'Waiting for backup lock%' "
                        + "OR STATE LIKE 'Waiting for commit lock%'");
    }
}
