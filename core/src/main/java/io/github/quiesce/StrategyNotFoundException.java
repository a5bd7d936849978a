package io.github.quiesce;

import java.sql.SQLException;

/** No strategy of the requested name was discovered, or none at all. */
public class StrategyNotFoundException extends BackupException {

    public StrategyNotFoundException(String message) {
        super(message);
    }

    public StrategyNotFoundException(String message, Throwable cause) {
        super(message, cause);
    }

    public StrategyNotFoundException(String message, BackupException cause) {
        super(message, cause);
    }

    public StrategyNotFoundException(String message, SQLException cause, String statement, String server) {
        super(message, cause, statement, server);
    }
}
