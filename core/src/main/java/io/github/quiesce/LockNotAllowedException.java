package io.github.quiesce;

/**
 * The server refused a lock statement to this account (error 1044, 1045, 1142 or 1227), whatever
 * {@code SHOW GRANTS} listed: Amazon RDS answers {@code FLUSH TABLES WITH READ LOCK} with 1045 although
 * the master user holds RELOAD, and RDS and Aurora refuse {@code LOCK INSTANCE FOR BACKUP} with 1227.
 * Nothing was locked. Under {@code auto} the next strategy is tried first (logged at WARN); this is
 * thrown when none was left, or for a strategy named explicitly. Carries the statement and the server's
 * SQLState and vendor code.
 */
public class LockNotAllowedException extends LockAcquisitionException {

    public LockNotAllowedException(String message, BackupException cause) {
        super(message, cause);
    }
}
