package io.github.quiesce.tablelocks;

import io.github.quiesce.BackupException;
import io.github.quiesce.BackupSqlException;
import io.github.quiesce.spi.HeldConnection;
import io.github.quiesce.spi.LockContext;
import io.github.quiesce.spi.Sql;
import io.github.quiesce.spi.support.FlushingLock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The connections one session's lock statements run on, one statement each: the session's own first, then
 * connections the session holds for it ({@link LockContext#openHeldConnection}), opened before any of them
 * locks so that connecting never happens while writers wait. Each gets a bounded {@code lock_wait_timeout},
 * and its {@code UNLOCK TABLES} is registered once, when it joins (harmless where nothing is locked).
 */
final class LockConnections {

    private static final int LOCK_WAIT_TIMEOUT = 1205;

    /** Server errors after which a new attempt, with a new list, may succeed: a table dropped since listed, a lock wait timeout, a deadlock. */
    private static final Set<Integer> RETRYABLE = Set.of(1146, LOCK_WAIT_TIMEOUT, 1213);

    private final LockContext context;
    private final long boundSeconds;
    /**
     * Whether the server's lock wait timeout is the caller's {@code lockWaitTimeout}, shorter than the acquire
     * timeout: then error 1205 is the caller's bound reached, not an attempt to retry.
     */
    private final boolean callersBound;

    private final List<HeldConnection> extra = new ArrayList<>();
    /** How many connections the last attempt locked on. */
    private int used;

    LockConnections(LockContext context, long acquireSeconds, long lockWaitTimeoutSeconds) {
        this.context = context;
        this.boundSeconds = Math.min(acquireSeconds, lockWaitTimeoutSeconds);
        this.callersBound = lockWaitTimeoutSeconds < acquireSeconds;
        context.onRelease(Statements.UNLOCK_TABLES, s -> s.execute(Statements.UNLOCK_TABLES));
        context.sql().execute(Statements.SET_LOCK_WAIT_TIMEOUT, boundSeconds);
    }

    /** Makes sure {@code count} connections are ready (the session's own counts as one). */
    void ensure(int count) {
        while (1 + extra.size() < count) {
            HeldConnection c = context.openHeldConnection("lock batch " + (extra.size() + 2));
            c.sql().execute(Statements.SET_LOCK_WAIT_TIMEOUT, boundSeconds);
            context.onRelease(
                    Statements.UNLOCK_TABLES + " (held connection " + c.connectionId() + ")",
                    ignored -> c.sql().execute(Statements.UNLOCK_TABLES));
            extra.add(c);
        }
    }

    /**
     * Runs statement i on connection i, the whole set within {@code timeout}.
     *
     * @return null when every statement holds its lock; otherwise why not, with everything released again
     * @throws BackupException a server error a new attempt would not cure (e.g. the account may not lock a table)
     */
    String lockAll(List<String> statements, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        used = 0;
        for (int i = 0; i < statements.size(); i++) {
            used = i + 1;
            long remaining = deadline - System.nanoTime();
            boolean done;
            try {
                done = remaining > 0 && executeWithin(i, statements.get(i), Duration.ofNanos(remaining));
            } catch (BackupSqlException e) {
                unlockAll();
                if (RETRYABLE.contains(e.vendorCode()) && !(callersBound && e.vendorCode() == LOCK_WAIT_TIMEOUT)) {
                    return "the server answered error " + e.vendorCode() + " ("
                            + e.getCause().getMessage() + ")";
                }
                throw e;
            } catch (RuntimeException e) {
                unlockAll();
                throw e;
            }
            if (!done) {
                unlockAll();
                return "the lock"
                        + (statements.size() > 1 ? " (part " + (i + 1) + " of " + statements.size() + ")" : "")
                        + " waited longer than acquireTimeout=" + timeout.toMillis()
                        + " ms behind a writer and was cancelled so that"
                        + " writers would not queue behind it";
            }
        }
        return null;
    }

    private boolean executeWithin(int i, String statement, Duration timeout) {
        return i == 0
                ? context.executeWithin(statement, timeout)
                : extra.get(i - 1).executeWithin(statement, timeout);
    }

    /** Releases whatever the last attempt took, on every connection it used; never throws. */
    void unlockAll() {
        for (int i = used - 1; i >= 0; i--) {
            FlushingLock.releaseAfterFailure(sql(i), Statements.UNLOCK_TABLES);
        }
        used = 0;
    }

    private Sql sql(int i) {
        return i == 0 ? context.sql() : extra.get(i - 1).sql();
    }

    /** The session's own connection goes back to the timeout the options give; held ones are ended at release. */
    void restoreLockWaitTimeout(long seconds) {
        try {
            context.sql().execute(Statements.SET_LOCK_WAIT_TIMEOUT, seconds);
        } catch (BackupException e) {
            // The session's release restores the server's own value, or finds the connection lost.
        }
    }

    /**
     * Each held connection that took a lock must still be the same server session: a connection the driver
     * re-opened behind our back, or one that was killed, holds nothing.
     */
    void requireAlive() {
        for (int i = 1; i < used; i++) {
            HeldConnection c = extra.get(i - 1);
            String id;
            try {
                id = c.sql().scalar(Statements.CONNECTION_ID);
            } catch (BackupException e) {
                throw TableLocksStrategy.lost(
                        "Held connection " + c.connectionId() + " (lock batch " + (i + 1) + ") failed", context, e);
            }
            if (!Objects.equals(id, String.valueOf(c.connectionId()))) {
                String what = "Held connection " + c.connectionId() + " (lock batch " + (i + 1)
                        + ") is now server session " + id;
                throw TableLocksStrategy.lost(what, context, new BackupException(what));
            }
        }
    }
}
