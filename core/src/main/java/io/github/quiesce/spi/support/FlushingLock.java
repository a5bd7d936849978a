package io.github.quiesce.spi.support;

import io.github.quiesce.BackupEvent;
import io.github.quiesce.BackupOptions;
import io.github.quiesce.LockAcquisitionException;
import io.github.quiesce.LongQuery;
import io.github.quiesce.spi.LockContext;
import io.github.quiesce.spi.Sql;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes a lock that flushes tables ({@code FLUSH TABLES WITH READ LOCK}, with its pre-flush) without
 * letting it freeze production: before each attempt the {@link LongQueries long-query guard} waits
 * for long statements; each statement of the attempt is cancelled from a second connection if it waits
 * longer than {@link BackupOptions#acquireTimeout()} (a long statement may start after the guard
 * looked), and after a pause of the same length the attempt is made again, up to
 * {@link BackupOptions#acquireRetries()} more times. Writers then queue behind the lock for at most
 * the acquire timeout at a time.
 *
 * <p>A {@code FLUSH TABLES WITH READ LOCK} that fails while it flushes (cancelled, or error 1205 after
 * {@code lock_wait_timeout}) reports the error yet can leave its session holding the global read lock
 * and the commit lock: seen on MySQL 8.0.15 in {@code performance_schema.metadata_locks}, with every
 * writer frozen until {@code UNLOCK TABLES} or a disconnect. So every failed or cancelled attempt is
 * followed at once by the release statement, before anything else happens on the connection.
 */
public final class FlushingLock {

    /** Closes open tables first without blocking writers, so FTWRL has less to flush (XtraBackup, MySQL Shell). Not replicated. */
    public static final String PRE_FLUSH = "FLUSH NO_WRITE_TO_BINLOG TABLES";

    public static final String FTWRL = "FLUSH TABLES WITH READ LOCK";
    public static final String UNLOCK_TABLES = "UNLOCK TABLES";

    private static final Logger LOG = LoggerFactory.getLogger(FlushingLock.class);

    private FlushingLock() {}

    /**
     * The global read lock as every FTWRL-based strategy takes it: {@link #PRE_FLUSH}, then {@link #FTWRL},
     * bounded as above, and {@link #UNLOCK_TABLES} registered as its release.
     */
    public static void globalReadLock(LockContext context) {
        acquire(context, UNLOCK_TABLES, PRE_FLUSH, FTWRL);
        context.onRelease(UNLOCK_TABLES, s -> s.execute(UNLOCK_TABLES));
    }

    /**
     * Runs {@code statements} in order (e.g. the pre-flush, then the lock) until all of them complete in
     * one attempt. On return the lock of the last one is held; register its release at once.
     *
     * @param release the statement that drops the lock ({@code UNLOCK TABLES}), run after a failed attempt
     * @throws LockAcquisitionException when the guard gives up, or every attempt was cancelled
     */
    public static void acquire(LockContext context, String release, String... statements) {
        BackupOptions options = context.options();
        String lock = statements[statements.length - 1];
        Duration timeout = options.acquireTimeout();
        int attempts = 1 + options.acquireRetries();
        for (int attempt = 1; ; attempt++) {
            if (attempt > 1) {
                // A cancelled attempt on a Galera node desynced it and may have let a queue build up meanwhile.
                Galera.awaitReady(context);
            }
            LongQueries.awaitNone(context, lock);
            Cancelled cancelled;
            try {
                cancelled = attempt(context, statements, timeout, attempt, attempts);
            } catch (RuntimeException e) {
                releaseAfterFailure(context.sql(), release);
                throw e;
            }
            if (cancelled == null) {
                return;
            }
            releaseAfterFailure(context.sql(), release);
            // Only after the release: the cancelled flush may have left this connection holding the global read lock.
            LongQueries.afterCancelledFlush(context, cancelled.statement(), cancelled.waited());
            if (attempt >= attempts) {
                throw new LockAcquisitionException("Did not take " + lock + " on " + context.server() + ": "
                        + cancelled.statement()
                        + " waited longer than acquireTimeout=" + timeout.toMillis() + " ms in each of " + attempts
                        + " attempt(s), and was cancelled each time so writers would not queue behind it. "
                        + runningNow(context)
                        + " Retry when they end, or raise acquireTimeout / acquireRetries.");
            }
            pause(timeout, lock);
        }
    }

    /** What the lock most likely waited for: the longest-running statements, for the error message. */
    private static String runningNow(LockContext context) {
        List<LongQuery> running = LongQueries.running(context, Duration.ZERO);
        if (running.isEmpty()) {
            return "No other statement runs now; another session may hold a conflicting lock (LOCK TABLES, a backup lock).";
        }
        return "Running now, longest first: "
                + running.stream().limit(5).map(LongQuery::toString).collect(Collectors.joining("; ")) + ".";
    }

    /** A statement of an attempt that waited past the acquire timeout and was cancelled. */
    private record Cancelled(String statement, Duration waited) {}

    /** @return null when every statement completed, else the one that was cancelled */
    private static Cancelled attempt(
            LockContext context, String[] statements, Duration timeout, int attempt, int attempts) {
        for (String statement : statements) {
            long start = System.nanoTime();
            if (!context.executeWithin(statement, timeout)) {
                Duration waited = Duration.ofNanos(System.nanoTime() - start);
                LOG.warn(
                        "quiesce: {} waited {} ms on {}, past acquireTimeout; cancelled it so writers stop queuing behind it"
                                + " (attempt {} of {})",
                        statement,
                        waited.toMillis(),
                        context.server(),
                        attempt,
                        attempts);
                context.publish(new BackupEvent.LockAttemptCancelled(statement, attempt, waited));
                return new Cancelled(statement, waited);
            }
        }
        return null;
    }

    /**
     * After a flushing lock failed: drop whatever it may still hold. Never throws; a connection that is
     * gone holds nothing, and the caller's own error says more than this one would.
     */
    public static void releaseAfterFailure(Sql sql, String release) {
        try {
            sql.execute(release);
        } catch (RuntimeException e) {
            LOG.debug("quiesce: {} after a failed lock attempt failed too: {}", release, e.getMessage());
        }
    }

    /** Lets the writers that queued behind the cancelled attempt through before the next one. */
    private static void pause(Duration timeout, String lock) {
        try {
            Thread.sleep(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LockAcquisitionException("Interrupted between attempts at " + lock);
        }
    }
}
