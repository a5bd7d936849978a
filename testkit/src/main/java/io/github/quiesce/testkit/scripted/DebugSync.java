package io.github.quiesce.testkit.scripted;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * MySQL's DEBUG_SYNC facility as the model's debug build offers it: a connection arms a named sync point
 * with {@code SET debug_sync = "point SIGNAL s WAIT_FOR c"}; when its statement reaches the point it emits
 * s and waits for c; {@code SET debug_sync = 'now WAIT_FOR s'} and {@code 'now SIGNAL c'} do the same at
 * once. Release builds (the Docker images) have no debug_sync variable.
 */
final class DebugSync {

    private static final Pattern ACTION =
            Pattern.compile("^(\\w+)(?: SIGNAL (\\w+))?(?: WAIT_FOR (\\w+))?$", Pattern.CASE_INSENSITIVE);

    /** The point of the binary log group commit after the flush stage and before gtid_executed is updated. */
    static final String BEFORE_HANDLE_GTID = "process_commit_stage_queue_before_handle_gtid";
    /** The point of a log_status read after the binary log is locked and before gtid_executed is read. */
    static final String LOG_RESOURCE_GTID_LOCK = "log_resource_gtid_lock";

    record Action(String signal, String waitFor) {}

    private final Map<Long, Map<String, Action>> armed = new HashMap<>();
    private final Set<String> signals = new HashSet<>();

    /** Parses one SET debug_sync value; returns the action to run now for a {@code now ...} value, else null. */
    Action set(long connection, String value) {
        Matcher m = ACTION.matcher(value.trim());
        if (!m.matches()) {
            if (value.trim().equalsIgnoreCase("RESET")) {
                armed.clear();
                signals.clear();
                return null;
            }
            throw new IllegalArgumentException("debug_sync value the model does not know: " + value);
        }
        Action action = new Action(m.group(2), m.group(3));
        if (m.group(1).equalsIgnoreCase("now")) {
            return action;
        }
        armed.computeIfAbsent(connection, c -> new HashMap<>())
                .put(m.group(1).toLowerCase(java.util.Locale.ROOT), action);
        return null;
    }

    /** The action armed for this connection at the point, disarmed (a point fires once). */
    Action reach(long connection, String point) {
        Map<String, Action> points = armed.get(connection);
        return points == null ? null : points.remove(point);
    }

    void signal(String name) {
        signals.add(name);
    }

    /** Consumes the signal if it was emitted. */
    boolean take(String name) {
        return signals.remove(name);
    }

    void forget(long connection) {
        armed.remove(connection);
    }
}
