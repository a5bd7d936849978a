package io.github.quiesce.percona;

import java.sql.SQLException;

/** The MTR error names the cases expect (mysqltest's --error), matched as the strategy matches them. */
enum MtrError {
    ER_CANT_EXECUTE_WITH_BACKUP_LOCK(0),
    ER_LOCK_WAIT_TIMEOUT(1205),
    ER_OPTION_PREVENTS_STATEMENT(1290),
    ER_LOCK_OR_ACTIVE_TRANSACTION(1192),
    ER_SPECIFIC_ACCESS_DENIED_ERROR(1227),
    ER_BAD_TABLE_ERROR(1051),
    ER_TABLE_EXISTS_ERROR(1050),
    ER_QUERY_INTERRUPTED(1317),
    ER_INCORRECT_GLOBAL_LOCAL_VAR(1238);

    private final int code;

    MtrError(int code) {
        this.code = code;
    }

    /** ER_CANT_EXECUTE_WITH_BACKUP_LOCK goes through the strategy's own classifier: the suite checks it against the server. */
    boolean matches(PerconaGeneration generation, SQLException e) {
        if (this == ER_CANT_EXECUTE_WITH_BACKUP_LOCK) {
            return PerconaErrors.isConflictingBackupLock(generation, e.getSQLState(), e.getErrorCode(), e.getMessage());
        }
        return e.getErrorCode() == code;
    }
}
