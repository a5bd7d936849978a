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
}
