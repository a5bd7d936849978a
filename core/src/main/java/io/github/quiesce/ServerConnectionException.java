package io.github.quiesce;

import io.github.quiesce.internal.JdbcUrls;
import java.sql.SQLException;

/** The server could not be reached or the connection was lost. */
public class ServerConnectionException extends BackupException {

    /** Drivers quote the URL they were given, credentials included: the message and the cause are masked here, once for every caller. */
    public ServerConnectionException(String message, SQLException cause, String statement, String server) {
        super(JdbcUrls.mask(message), cause == null ? null : JdbcUrls.scrub(cause), statement, server);
    }
}
