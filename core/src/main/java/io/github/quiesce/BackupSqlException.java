package io.github.quiesce;

import java.sql.SQLException;

/** A statement the session or a strategy ran failed on the server. */
public class BackupSqlException extends BackupException {

    public BackupSqlException(String message, SQLException cause, String statement, String server) {
        super(message, cause, statement, server);
    }
}
