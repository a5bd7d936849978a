package io.github.quiesce;

/** The server cannot run the requested strategy (flavour, version or configuration), or no strategy fits it. */
public class UnsupportedServerException extends BackupException {

    public UnsupportedServerException(String message) {
        super(message);
    }

    public UnsupportedServerException(String message, Throwable cause) {
        super(message, cause);
    }
}
