package io.github.quiesce.percona;

import io.github.quiesce.BackupException;
import io.github.quiesce.BackupSqlException;
import io.github.quiesce.LockAcquisitionException;
import java.util.Locale;

/**
 * Percona Server's errors for backup locks, recognised per generation, and the typed exceptions the
 * strategy raises for them. Numbers and texts are those of Percona's message files
 * (5.7: sql/share/errmsg-utf8.txt, 8.0: share/messages_to_clients.txt).
 */
public final class PerconaErrors {

    /** ER_CANT_EXECUTE_WITH_BACKUP_LOCK on 8.0. */
    public static final int CONFLICTING_BACKUP_LOCK_80 = 7000;
    /** ER_CANT_EXECUTE_WITH_BACKUP_LOCK on 5.7.22; other 5.x releases number it differently. */
    public static final int CONFLICTING_BACKUP_LOCK_5722 = 3234;
    /** Its English text, the same in every release; with SQLState HY000 it identifies the error where the number moves. */
    public static final String CONFLICTING_BACKUP_LOCK_TEXT = "conflicting backup lock";
    /** ER_OPTION_PREVENTS_STATEMENT: LOCK TABLES FOR BACKUP under delay_key_write=ALL. */
    public static final int OPTION_PREVENTS_STATEMENT = 1290;
    /** ER_LOCK_OR_ACTIVE_TRANSACTION: LOCK TABLES FOR BACKUP under LOCK TABLES / FLUSH TABLES ... FOR EXPORT. */
    public static final int LOCK_OR_ACTIVE_TRANSACTION = 1192;

    private PerconaErrors() {}

    /**
     * ER_CANT_EXECUTE_WITH_BACKUP_LOCK: a statement met a backup lock its own connection holds. On 8.0 by its
     * number; on 5.x by 5.7.22's number or by SQLState HY000 and the message (which needs the server's
     * lc_messages to be English on other 5.x releases).
     */
    public static boolean isConflictingBackupLock(
            PerconaGeneration generation, String sqlState, int vendorCode, String message) {
        if (generation.conflictingBackupLockHasFixedNumber()) {
            return vendorCode == CONFLICTING_BACKUP_LOCK_80;
        }
        return vendorCode == CONFLICTING_BACKUP_LOCK_5722
                || "HY000".equals(sqlState)
                        && message != null
                        && message.toLowerCase(Locale.ROOT).contains(CONFLICTING_BACKUP_LOCK_TEXT);
    }

    /** The typed exception for a failed statement of the strategy, or the failure itself when nothing more is known. */
    static BackupException translate(
            PerconaGeneration generation, String statement, BackupSqlException e, String server) {
        Throwable cause = e.getCause();
        String message = cause != null ? cause.getMessage() : e.getMessage();
        if (isConflictingBackupLock(generation, e.sqlState(), e.vendorCode(), message)) {
            return new ConflictingBackupLockException(
                    statement + " conflicts with a backup lock held by this session's" + " connection on " + server
                            + " (ER_CANT_EXECUTE_WITH_BACKUP_LOCK)",
                    e);
        }
        if (statement.equals(BackupLockStatements.LOCK_TABLES) && e.vendorCode() == OPTION_PREVENTS_STATEMENT) {
            return new LockAcquisitionException(
                    statement + " was refused on " + server + ": delay_key_write=ALL was set"
                            + " after the session read the server's variables (MyISAM index changes would stay in the key cache)."
                            + " Set delay_key_write=ON or OFF, or use the ftwrl strategy",
                    e);
        }
        if (statement.equals(BackupLockStatements.LOCK_TABLES) && e.vendorCode() == LOCK_OR_ACTIVE_TRANSACTION) {
            return new LockAcquisitionException(
                    statement + " was refused on " + server + ": the session's connection holds"
                            + " LOCK TABLES, FLUSH TABLES ... FOR EXPORT or FLUSH TABLES ... WITH READ LOCK. The DataSource handed out"
                            + " a connection with a leftover lock: fix the code that leaked it",
                    e);
        }
        return e;
    }
}
