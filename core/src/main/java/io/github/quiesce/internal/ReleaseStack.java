package io.github.quiesce.internal;

import io.github.quiesce.BackupException;
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

    private record Step(String description, ReleaseAction action, boolean global) {}

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
     * Runs every step, newest first, on {@code sql}. Once the connection is found lost, {@code onLost}
     * runs first, then steps tied to the connection are counted as released by the server, and global
     * steps run on one connection from {@code sides}, the one {@code onLost} used.
     */
    synchronized Outcome unwind(
            Sql sql, boolean connectionAlreadyLost, Supplier<SideConnection> sides, LostConnection onLost) {
        List<String> undone = new ArrayList<>();
        List<String> notUndone = new ArrayList<>();
        BackupException firstFailure = null;
        boolean lost = connectionAlreadyLost;
        boolean ended = true;
        try (LazySide side = new LazySide(sides)) {
            if (lost) {
                firstFailure = end(onLost, side, undone, notUndone);
                ended = firstFailure == null;
            }
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
                        ended = end(onLost, side, undone, notUndone) == null;
                    }
                }
                if (!step.global()) {
                    if (ended) {
                        undone.add(step.description() + " (dropped by the server with the connection)");
                    } else {
                        // The server may still run that connection: its session locks are not known to be gone.
                        notUndone.add(step.description());
                    }
                    continue;
                }
                try {
                    step.action().run(side.sql());
                    undone.add(step.description() + " (on a new connection)");
                } catch (BackupException e) {
                    LOG.error("Could not undo '{}' on a new connection either: {}", step.description(), e.getMessage());
                    notUndone.add(step.description());
                    firstFailure = firstFailure == null ? e : firstFailure;
                }
            }
        }
        return new Outcome(List.copyOf(undone), List.copyOf(notUndone), firstFailure, lost);
    }

    /** The second connection, opened on first need and shared by everything done after the loss. */
    private static final class LazySide implements AutoCloseable {
        private final Supplier<SideConnection> sides;
        private SideConnection connection;

        LazySide(Supplier<SideConnection> sides) {
            this.sides = sides;
        }

        Sql sql() {
            if (connection == null) {
                connection = sides.get();
            }
            return connection.sql();
        }

        @Override
        public void close() {
            if (connection != null) {
                connection.close();
            }
        }
    }

    /**
     * What to do the moment the connection is found lost, before anything else is undone: make sure the
     * server ends it too (a client-side timeout leaves it running there, locks and all).
     */
    interface LostConnection {
        LostConnection NOTHING = side -> null;

        /**
         * @param side a side connection to the server
         * @return the step to report as undone, or null for none; throws when the server-side session could not be ended
         */
        String end(Sql side);

        /** The step's description when {@link #end} failed. */
        default String description() {
            return "end the lost lock connection on the server";
        }
    }

    private static BackupException end(
            LostConnection onLost, LazySide side, List<String> undone, List<String> notUndone) {
        if (onLost == LostConnection.NOTHING) {
            return null;
        }
        try {
            String step = onLost.end(side.sql());
            if (step != null) {
                undone.add(step);
            }
            return null;
        } catch (BackupException e) {
            notUndone.add(onLost.description());
            return e;
        }
    }
}
