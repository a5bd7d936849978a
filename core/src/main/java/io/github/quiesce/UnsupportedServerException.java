package io.github.quiesce;

import java.sql.SQLException;

/** The server cannot run the requested strategy (flavour, version or configuration), or no strategy fits it. */
public class UnsupportedServerException extends BackupException {

    public UnsupportedServerException(String message) {
        super(message);
    }

    public UnsupportedServerException(String message, Throwable cause) {
        super(message, cause);
    }

    public UnsupportedServerException(String message, BackupException cause) {
        super(message, cause);
    }

    public UnsupportedServerException(String message, SQLException cause, String statement, String server) {
        super(message, cause, statement, server);
    }
}
