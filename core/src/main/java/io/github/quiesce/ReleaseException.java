package io.github.quiesce;

/** Releasing the lock or restoring a setting failed. The connection was closed physically so that the server drops any session lock; notRolledBack() lists what may still be changed. */
public class ReleaseException extends BackupException {

    /** Keeps the SQL context (statement, SQLState, vendor code, server) of the underlying failure. */
    public ReleaseException(String message, BackupException cause) {
        super(message, cause);
    }
}
