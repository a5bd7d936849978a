package io.github.quiesce;

import java.time.Duration;
import java.util.Objects;

/**
 * Before any lock that flushes tables ({@code FLUSH TABLES [WITH READ LOCK]}), wait while a statement
 * has been running for {@code threshold} or longer, up to {@code timeout}, then fail naming it
 * (XtraBackup's {@code --ftwrl-wait-threshold}/{@code --ftwrl-wait-timeout}). Such a lock queues
 * behind that statement while it already blocks every writer, and leaves later users of its tables
 * waiting for the flush until the statement ends: the stall that freezes production.
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

    /** 1 s threshold, 30 s timeout, all statements. */
    public static final LongQueryGuard DEFAULT = new LongQueryGuard(Duration.ofSeconds(1), Duration.ofSeconds(30), QueryType.ALL);

    /** No guard: lock at once, whatever is running (the classic FTWRL behaviour). */
    public static final LongQueryGuard OFF = new LongQueryGuard(Duration.ofDays(365), Duration.ofMillis(1), QueryType.ALL);

    public LongQueryGuard {
        BackupOptions.positive("threshold", threshold, Duration.ofDays(365));
        BackupOptions.positive("timeout", timeout, Duration.ofDays(1));
        Objects.requireNonNull(type, "type");
    }

    public boolean enabled() {
        return !equals(OFF);
    }
}
