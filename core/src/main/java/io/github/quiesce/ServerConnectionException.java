package io.github.quiesce;

import java.sql.SQLException;

/** The server could not be reached or the connection was lost. */
public class ServerConnectionException extends BackupException {

    public ServerConnectionException(String message, SQLException cause, String statement, String server) {
        super(message, cause, statement, server);
    }
}
