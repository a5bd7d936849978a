package io.github.quiesce;

import java.util.List;

/**
 * What the session undid after a failure, in the order it undid it, and what it could not undo.
 *
 * @param undone    steps undone, e.g. {@code UNLOCK TABLES}
 * @param notUndone steps that could not be undone: the server may still be changed by them
 * @param pointLost the failure ended a session whose lock was held, so what was copied under it has no
 *                  consistent point
 */
public record RollbackReport(List<String> undone, List<String> notUndone, boolean pointLost) {

    /** Nothing had been done, so nothing was undone. */
    public static final RollbackReport NONE = new RollbackReport(List.of(), List.of(), false);

    public RollbackReport {
        undone = List.copyOf(undone);
        notUndone = List.copyOf(notUndone);
    }

    /** Whether every step was undone. */
    public boolean complete() {
        return notUndone.isEmpty();
    }
}
