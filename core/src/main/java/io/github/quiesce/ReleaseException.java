package io.github.quiesce;

import java.sql.SQLException;

/** Releasing the lock or restoring a setting failed. The connection was closed physically so that the server drops any session lock; notRolledBack() lists what may still be changed. */
public class ReleaseException extends BackupException {

    public ReleaseException(String message) {
        super(message);
    }

    public ReleaseException(String message, Throwable cause) {
        super(message, cause);
    }

    public ReleaseException(String message, BackupException cause) {
        super(message, cause);
    }

    public ReleaseException(String message, SQLException cause, String statement, String server) {
        super(message, cause, statement, server);
    }
}
