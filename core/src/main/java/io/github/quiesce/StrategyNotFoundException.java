package io.github.quiesce;

/** No strategy of the requested name was discovered, or none at all. */
public class StrategyNotFoundException extends BackupException {

    public StrategyNotFoundException(String message) {
        super(message);
    }

    public StrategyNotFoundException(String message, Throwable cause) {
        super(message, cause);
    }
}
