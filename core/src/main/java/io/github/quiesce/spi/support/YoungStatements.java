package io.github.quiesce.spi.support;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The statements one look of the long-query guard saw running but younger than its threshold, each
 * watched until it has ended or the watch is over: any of them may yet turn out long, and a flush issued
 * while it runs queues behind it. Waiting a whole threshold for them, as the guard once did, cost every
 * session that much (a MariaDB {@code ftwrl} window of 58 ms around 10 ms of work); an OLTP statement
 * ends in milliseconds, so the looks come after 1, 2 and 4 ms, then every {@link #LONGEST_PAUSE_MILLIS}.
 * The watch lasts one threshold at most: a statement still running by then has run the threshold and
 * shows as long.
 *
 * <p>A watched statement has ended when its connection runs none, or runs another one (a different
 * {@link RunningStatements.Running#key() key}). Where the source gives no key, only the first counts: a
 * busy connection then stays watched, which errs towards waiting. Statements that start after the first
 * look are not watched; the lock's own acquire timeout bounds those.
 */
final class YoungStatements {

    private static final long LONGEST_PAUSE_MILLIS = 5;

    /** Connection id to the key of the statement watched on it (null: no key). */
    private final Map<String, String> watched = new HashMap<>();

    private final long deadlineNanos;
    private int pauses;

    /** Watches {@code young} for at most {@code period} from now. */
    YoungStatements(List<RunningStatements.Running> young, Duration period) {
        young.forEach(r -> watched.put(r.statement().id(), r.key()));
        deadlineNanos = System.nanoTime() + period.toNanos();
    }

    /** Drops every watched statement that {@code look} (the guard's counted statements now) shows has ended. */
    void dropEnded(List<RunningStatements.Running> look) {
        Map<String, String> now = new HashMap<>();
        look.forEach(r -> now.put(r.statement().id(), r.key()));
        watched.entrySet()
                .removeIf(w -> !now.containsKey(w.getKey())
                        || w.getValue() != null && !Objects.equals(w.getValue(), now.get(w.getKey())));
    }

    /** Whether nothing is left to watch: every watched statement has ended, or the watch is over. */
    boolean settled() {
        return watched.isEmpty() || System.nanoTime() >= deadlineNanos;
    }

    /** How long to wait before the next look: 1, 2, 4, then {@link #LONGEST_PAUSE_MILLIS} ms, never past the watch's end. */
    long nextPauseMillis() {
        long left = Math.max(1, (deadlineNanos - System.nanoTime()) / 1_000_000);
        return Math.min(left, Math.min(LONGEST_PAUSE_MILLIS, 1L << Math.min(pauses++, 3)));
    }
}
