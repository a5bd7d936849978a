package io.github.quiesce;

/**
 * Thrown by {@link BackupSession#close()} when the lock connection was lost while the session was open
 * (killed by someone, the server restarted, the network failed). The server dropped the locks at that
 * moment, which quiesce cannot know: whatever was copied may not be consistent with the coordinates,
 * so the backup should be discarded. {@link #rolledBack()} says what was undone, including the KILL of
 * the lost connection where the server might not have noticed the loss.
 */
public class LockLostException extends BackupException {

    /** Keeps the SQL context (statement, SQLState, vendor code, server) of the failure that revealed the loss. */
    public LockLostException(String message, BackupException cause) {
        super(message, cause);
    }

    /** The server dropped the lock when the connection went: the copy may not match the coordinates. */
    @Override
    protected Consequence ownConsequence() {
        return Consequence.BACKUP_INVALID;
    }
}
