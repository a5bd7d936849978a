package io.github.quiesce.percona;

import io.github.quiesce.BackupException;
import io.github.quiesce.LockAcquisitionException;

/**
 * Percona Server's {@code ERROR 1880 (HY000): Can't execute the query because you have a conflicting
 * backup lock}: a statement met a backup lock held by the same connection.
 */
public class ConflictingBackupLockException extends LockAcquisitionException {

    /** ER_CANT_EXECUTE_WITH_BACKUP_LOCK. */
    public static final int ERROR_CODE = 1880;

    public ConflictingBackupLockException(String message, BackupException cause) {
        super(message, cause);
    }
}
