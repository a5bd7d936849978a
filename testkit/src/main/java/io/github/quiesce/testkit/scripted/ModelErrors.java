package io.github.quiesce.testkit.scripted;

import java.sql.SQLException;

/**
 * The errors the Percona model raises, with the SQLState, number and English text of the real server's
 * message files (5.7: {@code sql/share/errmsg-utf8.txt}, 8.0: {@code share/messages_to_clients.txt}).
 */
final class ModelErrors {

    /**
     * ER_CANT_EXECUTE_WITH_BACKUP_LOCK. Percona appends it after the upstream 5.7 messages, so its number is
     * the next free one of each 5.7 release (3234 in 5.7.22; the merge of mysql-5.7.24 in
     * percona/percona-server's errmsg-utf8.txt adds ER_CANT_OPEN_ERROR_LOG ahead of it). 8.0 gives it 7000.
     */
    static final int CONFLICTING_BACKUP_LOCK_80 = 7000;

    static final String CONFLICTING_BACKUP_LOCK_TEXT =
            "Can't execute the query because you have a conflicting backup lock";

    private ModelErrors() {}

    static SQLException conflictingBackupLock(PerconaModel.Generation generation, int number57) {
        int code = generation == PerconaModel.Generation.PS_80 ? CONFLICTING_BACKUP_LOCK_80 : number57;
        return new SQLException(CONFLICTING_BACKUP_LOCK_TEXT, "HY000", code);
    }

    static SQLException lockWaitTimeout() {
        return new SQLException("Lock wait timeout exceeded; try restarting transaction", "HY000", 1205);
    }

    static SQLException optionPreventsStatement(String option) {
        return new SQLException(
                "The MySQL server is running with the " + option + " option so it cannot execute this statement",
                "HY000",
                1290);
    }

    static SQLException lockOrActiveTransaction() {
        return new SQLException(
                "Can't execute the given command because you have active locked tables or an active transaction",
                "HY000",
                1192);
    }

    static SQLException accessDenied(String privilege) {
        return new SQLException(
                "Access denied; you need (at least one of) the " + privilege + " privilege(s) for this operation",
                "42000",
                1227);
    }

    static SQLException conflictingReadLock() {
        return new SQLException("Can't execute the query because you have a conflicting read lock", "HY000", 1223);
    }

    static SQLException parseError(String near) {
        return new SQLException(
                "You have an error in your SQL syntax; check the manual that corresponds to your MySQL server"
                        + " version for the right syntax to use near '" + near + "' at line 1",
                "42000",
                1064);
    }

    static SQLException unknownTable(String table) {
        return new SQLException("Unknown table '" + table + "'", "42S02", 1051);
    }

    static SQLException noSuchTable(String schema, String table) {
        return new SQLException("Table '" + schema + "." + table + "' doesn't exist", "42S02", 1146);
    }

    static SQLException tableExists(String table) {
        return new SQLException("Table '" + table + "' already exists", "42S01", 1050);
    }

    static SQLException queryInterrupted() {
        return new SQLException("Query execution was interrupted", "70100", 1317);
    }

    static SQLException noSuchThread(long id) {
        return new SQLException("Unknown thread id: " + id, "HY000", 1094);
    }

    static SQLException unknownSystemVariable(String name) {
        return new SQLException("Unknown system variable '" + name + "'", "HY000", 1193);
    }

    static SQLException globalVariable(String name) {
        return new SQLException("Variable '" + name + "' is a GLOBAL variable", "HY000", 1238);
    }

    static SQLException notModelled(String statement) {
        return new SQLException("The Percona model does not know: " + statement, "42000", 1064);
    }
}
