package io.github.quiesce;

import java.sql.SQLException;

/** The lock could not be taken: it timed out, was refused, or its connection failed. Nothing is left locked when this is thrown (see rolledBack()). */
public class LockAcquisitionException extends BackupException {

    public LockAcquisitionException(String message) {
        super(message);
    }

    public LockAcquisitionException(String message, Throwable cause) {
        super(message, cause);
    }

    public LockAcquisitionException(String message, BackupException cause) {
        super(message, cause);
    }

    public LockAcquisitionException(String message, SQLException cause, String statement, String server) {
        super(message, cause, statement, server);
    }
}
