package io.github.quiesce.percona;

import io.github.quiesce.BackupException;
import io.github.quiesce.LockAcquisitionException;

/**
 * Percona Server's ER_CANT_EXECUTE_WITH_BACKUP_LOCK ({@code Can't execute the query because you have a
 * conflicting backup lock}): a statement met a backup lock held by the same connection, e.g. FLUSH TABLES
 * WITH READ LOCK or LOCK TABLES under LOCK TABLES FOR BACKUP. It is 7000 on 8.0 and has no fixed number
 * on 5.x (3234 on 5.7.22); {@link PerconaErrors#isConflictingBackupLock} recognises it on each. The
 * statement, SQLState and vendor code are those of the server's error.
 */
public class ConflictingBackupLockException extends LockAcquisitionException {

    public ConflictingBackupLockException(String message, BackupException cause) {
        super(message, cause);
    }
}
