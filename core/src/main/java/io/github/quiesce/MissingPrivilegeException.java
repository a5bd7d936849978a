package io.github.quiesce;

import java.util.List;

/** The account lacks a privilege the chosen strategy needs. Raised before any lock that stops writers is taken. */
public class MissingPrivilegeException extends BackupException {

    private final List<String> missing;

    public MissingPrivilegeException(String message, List<String> missing) {
        super(message);
        this.missing = List.copyOf(missing);
    }

    /** Each missing requirement, e.g. "RELOAD (FLUSH TABLES WITH READ LOCK)". */
    public List<String> missing() {
        return missing;
    }
}
