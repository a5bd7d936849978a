package io.github.quiesce;

/**
 * A previous session on this server changed global settings and its process died before restoring
 * them (its journal is still there). {@code open()} refuses until {@link BackupSession#recover} has run;
 * nothing was changed by the refused call.
 */
public class UnrecoveredSessionException extends BackupException {

    public UnrecoveredSessionException(String message) {
        super(message);
    }

    /** Nothing was changed now, but a dead session left the server changed: run recover(). */
    @Override
    protected Consequence ownConsequence() {
        return Consequence.SERVER_MAY_BE_CHANGED;
    }
}
