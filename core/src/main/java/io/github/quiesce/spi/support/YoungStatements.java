package io.github.quiesce.spi.support;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The statements one look of the long-query guard saw running but younger than its threshold, each
 * watched until it has ended: any of them may yet turn out long, and a flush issued while it runs queues
 * behind it. Waiting a whole threshold for them, as the guard once did, cost every session that much
 * (a MariaDB {@code ftwrl} window of 58 ms around 10 ms of work); an OLTP statement ends in milliseconds.
 *
 * <p>A watched statement has ended when its connection runs none, or runs another one (a different
 * {@link RunningStatements.Running#key() key}). Where the source gives no key, only the first counts: a
 * busy connection then stays watched, which errs towards waiting. Statements that start after the first
 * look are not watched; the lock's own acquire timeout bounds those.
 */
final class YoungStatements {

    /** Connection id to the key of the statement watched on it (null: no key). */
    private final Map<String, String> watched = new HashMap<>();

    YoungStatements(List<RunningStatements.Running> young) {
        young.forEach(r -> watched.put(r.statement().id(), r.key()));
    }

    /** Drops every watched statement that {@code look} (the guard's counted statements now) shows has ended. */
    void dropEnded(List<RunningStatements.Running> look) {
        Map<String, String> now = new HashMap<>();
        look.forEach(r -> now.put(r.statement().id(), r.key()));
        watched.entrySet()
                .removeIf(w -> !now.containsKey(w.getKey())
                        || w.getValue() != null && !Objects.equals(w.getValue(), now.get(w.getKey())));
    }

    boolean isEmpty() {
        return watched.isEmpty();
    }
}
