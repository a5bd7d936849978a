package io.github.quiesce.internal;

import io.github.quiesce.BackupSqlException;
import io.github.quiesce.spi.Sql;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code KILL CONNECTION} of the lock connection from a second connection. The watchdog needs it, and so
 * does a lock connection lost on the client side (socket timeout, network stall): the driver gives up,
 * but across a stalled network the server never sees the socket close and would keep the global lock
 * until its own {@code wait_timeout}, hours later.
 *
 * <p>A server that restarted since the lock connection was opened numbers its connections afresh: the
 * same id may now belong to an innocent session, so it is never killed then (its locks died with the
 * restart anyway).
 */
final class LockConnectionKill {

    private static final Logger LOG = LoggerFactory.getLogger(LockConnectionKill.class);

    /** KILL takes no parameter; the id is appended as a number (a long), never as text. */
    static final String KILL_CONNECTION = "KILL CONNECTION ";

    static final String UPTIME = "SHOW GLOBAL STATUS LIKE 'Uptime'";
    static final String FIND = "SELECT ID FROM information_schema.PROCESSLIST WHERE ID = ?";
    /** ER_NO_SUCH_THREAD: the connection is gone already. */
    static final int NO_SUCH_THREAD = 1094;

    enum Outcome {
        KILLED,
        ALREADY_GONE,
        SERVER_RESTARTED
    }

    private LockConnectionKill() {}

    /**
     * @param side             a side connection to the server, as the same account
     * @param connectedAtNanos {@link System#nanoTime()} when the lock connection was opened
     * @throws BackupException when the KILL was refused
     */
    static Outcome run(Sql side, long connectionId, long connectedAtNanos, String server) {
        // Same account as the lock connection, so it is visible here even without PROCESS; absent means gone.
        if (side.firstRow(FIND, connectionId).isEmpty()) {
            return Outcome.ALREADY_GONE;
        }
        long sinceConnectedMillis =
                Duration.ofNanos(System.nanoTime() - connectedAtNanos).toMillis();
        long uptimeMillis = uptimeSeconds(side) * 1000;
        // Uptime counts whole seconds: a second of slack so a connection made just after start is not misread.
        if (uptimeMillis + 1000 < sinceConnectedMillis) {
            LOG.warn(
                    "quiesce: {} restarted {} ms ago, after lock connection {} was opened {} ms ago: its locks ended with the restart,"
                            + " and that id now belongs to another session, so it is not killed",
                    server,
                    uptimeMillis,
                    connectionId,
                    sinceConnectedMillis);
            return Outcome.SERVER_RESTARTED;
        }
        try {
            side.execute(KILL_CONNECTION + connectionId);
            return Outcome.KILLED;
        } catch (BackupSqlException e) {
            if (e.vendorCode() == NO_SUCH_THREAD) {
                return Outcome.ALREADY_GONE;
            }
            throw e;
        }
    }

    private static long uptimeSeconds(Sql sql) {
        String value = sql.firstRow(UPTIME).map(r -> r.get("Value")).orElse(null);
        if (value == null || !value.matches("\\d{1,12}")) {
            // Without it the restart cannot be told apart: the KILL goes ahead, as it would have before this check.
            return Long.MAX_VALUE / 2000;
        }
        return Long.parseLong(value);
    }

    static String describe(Outcome outcome, long connectionId) {
        return switch (outcome) {
            case KILLED -> "lock connection " + connectionId + " killed";
            case ALREADY_GONE -> "lock connection " + connectionId + " already gone from the server";
            case SERVER_RESTARTED -> "server restarted; lock connection " + connectionId + " ended with it";
        };
    }
}
