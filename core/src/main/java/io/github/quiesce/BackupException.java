package io.github.quiesce;

import io.github.quiesce.internal.FailureReports;
import io.github.quiesce.internal.SqlErrors;
import java.sql.SQLException;
import java.util.List;

/**
 * Root of every error quiesce raises. Unchecked: a caller can rarely do more than report it, and
 * the session has already undone its own steps by the time it is thrown.
 *
 * <p>When a server statement failed, the exception carries that statement, its SQLState and vendor
 * code and the server it ran on. It also says which earlier steps were rolled back (or failed to be),
 * so an operator knows in what state the server was left, and {@link #consequence()} sums that up as
 * the one thing a caller switches on. Messages never contain passwords.
 */
public class BackupException extends RuntimeException {

    /** What a failure means for the caller: whether to retry, discard the copy, or look at the server. */
    public enum Consequence {
        /** The server is as it was and no consistent point was lost: fix the cause (privileges, options, server) or retry. */
        NOTHING_LEFT_CHANGED,
        /** The server is as it was, but the point did not hold to the end or has no coordinates: discard what was copied under it. */
        BACKUP_INVALID,
        /** A step could not be undone, or an earlier session left the server changed: check it ({@link #notRolledBack()}, {@code recover}). */
        SERVER_MAY_BE_CHANGED
    }

    private final String statement;
    private final String sqlState;
    private final int vendorCode;
    private final String server;
    /** Attached once, by the session, after it rolled back; immutable itself. */
    private volatile RollbackReport rollback = RollbackReport.NONE;

    static {
        FailureReports.install(BackupException::attachRollback);
    }

    public BackupException(String message) {
        this(message, null, null, null, 0, null);
    }

    public BackupException(String message, Throwable cause) {
        this(message, cause, null, null, 0, null);
    }

    /**
     * @param statement  the SQL statement that failed, or null
     * @param sqlState   its SQLState, or null
     * @param vendorCode its vendor error code, 0 when none
     * @param server     the server it ran on, e.g. "MySQL 8.0.15 at 127.0.0.1:3306", or null
     */
    public BackupException(
            String message, Throwable cause, String statement, String sqlState, int vendorCode, String server) {
        super(message, cause);
        this.statement = statement;
        this.sqlState = sqlState;
        this.vendorCode = vendorCode;
        this.server = server;
    }

    /** Copies the SQL context of {@code other} into a new, more specific exception. */
    protected BackupException(String message, BackupException other) {
        this(message, other, other.statement, other.sqlState, other.vendorCode, other.server);
        this.rollback = other.rollback;
    }

    /** Builds the SQL context from a driver exception. */
    protected BackupException(String message, SQLException cause, String statement, String server) {
        this(message, cause, statement, cause.getSQLState(), cause.getErrorCode(), server);
    }

    /** The statement that failed, or null when the failure was not a statement. */
    public String statement() {
        return statement;
    }

    public String sqlState() {
        return sqlState;
    }

    public int vendorCode() {
        return vendorCode;
    }

    /** The server the failure happened on, or null when it is not known yet. */
    public String server() {
        return server;
    }

    /** Called by the session (through {@link FailureReports}) once it has rolled back. */
    void attachRollback(RollbackReport report) {
        rollback = report;
    }

    /** What the session undid after this failure and what it could not; {@link RollbackReport#NONE} before it rolled back. */
    public RollbackReport rollback() {
        return rollback;
    }

    /** Steps undone after this failure, in the order they were undone (e.g. "UNLOCK TABLES"). */
    public List<String> rolledBack() {
        return rollback.undone();
    }

    /** Steps that could not be undone: the server may still be changed by them. */
    public List<String> notRolledBack() {
        return rollback.notUndone();
    }

    /**
     * The one axis to switch on: anything not undone makes it {@link Consequence#SERVER_MAY_BE_CHANGED};
     * otherwise a failure that ended a held session makes the copy {@link Consequence#BACKUP_INVALID};
     * otherwise what the exception type says ({@link Consequence#NOTHING_LEFT_CHANGED} unless overridden).
     */
    public Consequence consequence() {
        RollbackReport r = rollback;
        if (!r.complete()) {
            return Consequence.SERVER_MAY_BE_CHANGED;
        }
        Consequence own = ownConsequence();
        return own == Consequence.NOTHING_LEFT_CHANGED && r.pointLost() ? Consequence.BACKUP_INVALID : own;
    }

    /** What this kind of failure means when every step was undone; subclasses whose kind says more override it. */
    protected Consequence ownConsequence() {
        return Consequence.NOTHING_LEFT_CHANGED;
    }

    /** Whether the failure says the connection itself is gone (SQLState class 08, or lost-connection codes). */
    public boolean isConnectionFailure() {
        return SqlErrors.isConnectionFailure(sqlState, vendorCode);
    }

    @Override
    public String getMessage() {
        StringBuilder sb = new StringBuilder(String.valueOf(super.getMessage()));
        if (statement != null || sqlState != null || server != null) {
            sb.append(" [");
            String sep = "";
            if (statement != null) {
                sb.append("statement: ").append(statement);
                sep = "; ";
            }
            if (sqlState != null || vendorCode != 0) {
                sb.append(sep)
                        .append("SQLState ")
                        .append(sqlState)
                        .append(", error ")
                        .append(vendorCode);
                sep = "; ";
            }
            if (server != null) {
                sb.append(sep).append("server: ").append(server);
            }
            sb.append(']');
        }
        RollbackReport r = rollback;
        if (!r.undone().isEmpty()) {
            sb.append(" Rolled back: ").append(String.join(", ", r.undone())).append('.');
        }
        if (!r.notUndone().isEmpty()) {
            sb.append(" NOT rolled back (check the server): ")
                    .append(String.join(", ", r.notUndone()))
                    .append('.');
        }
        return sb.toString();
    }
}
