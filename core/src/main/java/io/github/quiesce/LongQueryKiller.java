package io.github.quiesce;

import java.time.Duration;
import java.util.Objects;

/**
 * Opt-in: while the {@link LongQueryGuard} waits before a table-flushing lock, end the statements it
 * waits for with {@code KILL QUERY} once it has waited {@code after} (XtraBackup's
 * {@code --kill-long-queries-timeout} / {@code --kill-long-query-type}). Each victim is logged at WARN.
 * Replication, system and event-scheduler threads are never candidates, nor are quiesce's own
 * connections. Killing the waiting lock instead does not help the blocked table: its writers wait for
 * the flush until the long statement ends; only ending that statement frees them.
 *
 * @param after how long the guard waits before killing
 * @param type  which statements may be killed ({@code SELECT} is the cautious choice: nothing to roll back)
 */
public record LongQueryKiller(Duration after, LongQueryGuard.QueryType type) {

    /** Never kill anything (the default). */
    public static final LongQueryKiller OFF =
            new LongQueryKiller(Duration.ofDays(365), LongQueryGuard.QueryType.SELECT);

    public LongQueryKiller {
        BackupOptions.positive("after", after, Duration.ofDays(365));
        Objects.requireNonNull(type, "type");
    }

    /** Kill SELECTs the guard has waited for {@code after}. */
    public static LongQueryKiller selectsAfter(Duration after) {
        return new LongQueryKiller(after, LongQueryGuard.QueryType.SELECT);
    }

    public boolean enabled() {
        return !equals(OFF);
    }
}
