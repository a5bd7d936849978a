package io.github.quiesce.internal;

/** Classification of MySQL-family errors by SQLState class and vendor code. */
public final class SqlErrors {

    /** ER_LOCK_WAIT_TIMEOUT: a metadata or row lock was not granted within lock_wait_timeout. */
    public static final int LOCK_WAIT_TIMEOUT = 1205;
    /** ER_DBACCESS_DENIED_ERROR: no access to a database. */
    public static final int DATABASE_ACCESS_DENIED = 1044;
    /**
     * ER_ACCESS_DENIED_ERROR: wrong user or password at login; on a statement, a refusal by the server's
     * own rules (Amazon RDS answers {@code FLUSH TABLES WITH READ LOCK} with it although {@code SHOW GRANTS}
     * lists RELOAD: mydumper #467).
     */
    public static final int ACCESS_DENIED = 1045;
    /** ER_TABLEACCESS_DENIED_ERROR: a table privilege (e.g. LOCK TABLES or SELECT on one table) is missing. */
    public static final int TABLE_ACCESS_DENIED = 1142;
    /**
     * ER_SPECIFIC_ACCESS_DENIED_ERROR: a privilege such as RELOAD or BACKUP_ADMIN is missing (managed clouds:
     * {@code LOCK INSTANCE FOR BACKUP} and {@code performance_schema.log_status} on RDS and Aurora).
     */
    public static final int SPECIFIC_ACCESS_DENIED = 1227;
    /** ER_QUERY_INTERRUPTED: the statement was cancelled with KILL QUERY. */
    public static final int QUERY_INTERRUPTED = 1317;
    /** CR_SERVER_GONE_ERROR and CR_SERVER_LOST (client side). */
    public static final int SERVER_GONE = 2006;

    public static final int SERVER_LOST = 2013;
    /** ER_SERVER_SHUTDOWN / ER_CONNECTION_KILLED. */
    public static final int SERVER_SHUTDOWN = 1053;

    public static final int CONNECTION_KILLED = 1927;

    private SqlErrors() {}

    /**
     * Whether the server refused a statement to this account (1044, 1045, 1142, 1227), whatever
     * {@code SHOW GRANTS} said: the statement is not allowed here, so under {@code auto} the next strategy
     * is tried. Not a failure of the lock itself (a timeout, a conflict) and not worth retrying.
     */
    public static boolean isNotAllowed(int vendorCode) {
        return vendorCode == DATABASE_ACCESS_DENIED
                || vendorCode == ACCESS_DENIED
                || vendorCode == TABLE_ACCESS_DENIED
                || vendorCode == SPECIFIC_ACCESS_DENIED;
    }

    public static boolean isConnectionFailure(String sqlState, int vendorCode) {
        if (sqlState != null && sqlState.startsWith("08")) {
            return true;
        }
        return vendorCode == SERVER_GONE
                || vendorCode == SERVER_LOST
                || vendorCode == SERVER_SHUTDOWN
                || vendorCode == CONNECTION_KILLED;
    }
}
