package io.github.quiesce;

import java.sql.SQLException;

/** The binary log coordinates cannot be given, e.g. because the binary log is disabled. */
public class CoordinatesUnavailableException extends BackupException {

    public CoordinatesUnavailableException(String message) {
        super(message);
    }

    public CoordinatesUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    public CoordinatesUnavailableException(String message, BackupException cause) {
        super(message, cause);
    }

    public CoordinatesUnavailableException(String message, SQLException cause, String statement, String server) {
        super(message, cause, statement, server);
    }
}
