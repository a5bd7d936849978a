package io.github.quiesce;

import io.github.quiesce.spi.ReleaseAction;
import io.github.quiesce.spi.Sql;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The undo steps registered by the session and its strategy, run newest first. The same stack serves
 * a normal close and the rollback after a failure, so there is one release path to get right.
 */
final class ReleaseStack {

    private static final Logger LOG = LoggerFactory.getLogger(ReleaseStack.class);

    private record Step(String description, ReleaseAction action, boolean global) {
    }

    /** What unwinding did. {@code firstFailure} is null when every step succeeded. */
    record Outcome(List<String> undone, List<String> notUndone, BackupException firstFailure, boolean connectionLost) {
        boolean clean() {
            return notUndone.isEmpty();
        }

        /** Whether the connection may be closed normally (back to a pool): everything undone on it, and it is alive. */
        boolean connectionReusable() {
            return clean() && !connectionLost;
        }
    }

    private final Deque<Step> steps = new ArrayDeque<>();

    synchronized void push(String description, ReleaseAction action, boolean global) {
        steps.push(new Step(description, action, global));
    }

    synchronized boolean isEmpty() {
        return steps.isEmpty();
    }

    /**
     * Runs every step, newest first, on {@code sql}. Once the connection is found lost, steps tied to
     * it are counted as released by the server, and global steps run on a connection from {@code fresh}.
     */
    synchronized Outcome unwind(Sql sql, boolean connectionAlreadyLost, Supplier<FreshConnection> fresh) {
        List<String> undone = new ArrayList<>();
        List<String> notUndone = new ArrayList<>();
        BackupException firstFailure = null;
        boolean lost = connectionAlreadyLost;
        FreshConnection other = null;
        try {
            while (!steps.isEmpty()) {
                Step step = steps.pop();
                if (!lost) {
                    try {
                        step.action().run(sql);
                        undone.add(step.description());
                        continue;
                    } catch (BackupException e) {
                        if (!e.isConnectionFailure()) {
                            LOG.error("Could not undo '{}': {}", step.description(), e.getMessage());
                            notUndone.add(step.description());
                            firstFailure = firstFailure == null ? e : firstFailure;
                            continue;
                        }
                        lost = true;
                        firstFailure = firstFailure == null ? e : firstFailure;
                    }
                }
                if (!step.global()) {
                    undone.add(step.description() + " (dropped by the server with the connection)");
                    continue;
                }
                try {
                    if (other == null) {
                        other = fresh.get();
                    }
                    step.action().run(other.sql());
                    undone.add(step.description() + " (on a new connection)");
                } catch (BackupException e) {
                    LOG.error("Could not undo '{}' on a new connection either: {}", step.description(), e.getMessage());
                    notUndone.add(step.description());
                    firstFailure = firstFailure == null ? e : firstFailure;
                }
            }
        } finally {
            if (other != null) {
                other.close();
            }
        }
        return new Outcome(List.copyOf(undone), List.copyOf(notUndone), firstFailure, lost);
    }
}
