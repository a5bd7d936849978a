package io.github.quiesce;

/** The binary log coordinates cannot be given, e.g. because the binary log is disabled. */
public class CoordinatesUnavailableException extends BackupException {

    public CoordinatesUnavailableException(String message) {
        super(message);
    }
}
