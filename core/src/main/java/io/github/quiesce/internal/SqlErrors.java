package io.github.quiesce.internal;

/** Classification of MySQL-family errors by SQLState class and vendor code. */
public final class SqlErrors {

    /** ER_LOCK_WAIT_TIMEOUT: a metadata or row lock was not granted within lock_wait_timeout. */
    public static final int LOCK_WAIT_TIMEOUT = 1205;
    /** ER_ACCESS_DENIED_ERROR: wrong user or password. */
    public static final int ACCESS_DENIED = 1045;
    /** ER_SPECIFIC_ACCESS_DENIED_ERROR: a privilege such as RELOAD is missing. */
    public static final int SPECIFIC_ACCESS_DENIED = 1227;
    /** ER_QUERY_INTERRUPTED: the statement was cancelled with KILL QUERY. */
    public static final int QUERY_INTERRUPTED = 1317;
    /** CR_SERVER_GONE_ERROR and CR_SERVER_LOST (client side). */
    public static final int SERVER_GONE = 2006;
    public static final int SERVER_LOST = 2013;
    /** ER_SERVER_SHUTDOWN / ER_CONNECTION_KILLED. */
    public static final int SERVER_SHUTDOWN = 1053;
    public static final int CONNECTION_KILLED = 1927;

    private SqlErrors() {
    }

    public static boolean isConnectionFailure(String sqlState, int vendorCode) {
        if (sqlState != null && sqlState.startsWith("08")) {
            return true;
        }
        return vendorCode == SERVER_GONE || vendorCode == SERVER_LOST || vendorCode == SERVER_SHUTDOWN
                || vendorCode == CONNECTION_KILLED;
    }
}
