package io.github.quiesce;

/** The lock could not be taken: it timed out, was refused, or its connection failed. Nothing is left locked when this is thrown (see rolledBack()). */
public class LockAcquisitionException extends BackupException {

    public LockAcquisitionException(String message) {
        super(message);
    }

    public LockAcquisitionException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Keeps the SQL context (statement, SQLState, vendor code, server) of the underlying failure. */
    public LockAcquisitionException(String message, BackupException cause) {
        super(message, cause);
    }
}
