package io.github.quiesce;

import java.time.Duration;
import java.util.Objects;

/**
 * Before any lock that flushes tables ({@code FLUSH TABLES [WITH READ LOCK]}), wait until no statement
 * has been running for {@code threshold} or longer, and each younger one running then has ended or been
 * seen to run the threshold (it is looked at again every few milliseconds, for at most one threshold; one
 * look suffices for thresholds over a second, which say that younger statements may pass), up to
 * {@code timeout}, then fail naming them (XtraBackup's {@code --ftwrl-wait-threshold} /
 * {@code --ftwrl-wait-timeout}). Such a lock queues behind that statement while it already blocks
 * every writer, and on MySQL leaves later users of its tables waiting for the flush until the
 * statement ends, cancelled or not: the stall that freezes production. Ages are read to the
 * millisecond where the server allows it (see {@code RunningStatements}), so a statement that started
 * just before the session is seen; only one that starts within the last {@code threshold} before the
 * flush can slip past. Where a server's flush does not wait for running SELECTs (MariaDB 10.11+),
 * only other statements count.
 *
 * @param threshold a statement running this long counts as long
 * @param timeout   how long to wait for long statements to end before giving up
 * @param type      which statements count
 */
public record LongQueryGuard(Duration threshold, Duration timeout, QueryType type) {

    /** Which running statements the guard waits for. */
    public enum QueryType {
        /** Every statement (the default: a long SELECT blocks a table flush as surely as a write). */
        ALL,
        /** Statements that change data or schema (not SELECT). */
        UPDATE,
        /** SELECTs only. */
        SELECT
    }

    /**
     * 50 ms threshold, 30 s timeout, all statements. A statement that slips past a 50 ms threshold holds
     * writers for about its own remaining run time, which for the OLTP statements it is meant to let
     * through is tens of milliseconds.
     */
    public static final LongQueryGuard DEFAULT =
            new LongQueryGuard(Duration.ofMillis(50), Duration.ofSeconds(30), QueryType.ALL);

    /** No guard: lock at once, whatever is running (the classic FTWRL behaviour). */
    public static final LongQueryGuard OFF =
            new LongQueryGuard(Duration.ofDays(365), Duration.ofMillis(1), QueryType.ALL);

    public LongQueryGuard {
        BackupOptions.positive("threshold", threshold, Duration.ofDays(365));
        BackupOptions.positive("timeout", timeout, Duration.ofDays(1));
        Objects.requireNonNull(type, "type");
    }

    public boolean enabled() {
        return !equals(OFF);
    }
}
