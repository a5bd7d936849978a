package io.github.quiesce.testkit.restore;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The fields of SHOW SLAVE STATUS that say whether a replay failed and how far it got. The legacy names
 * are the ones both MySQL 8.0 and MariaDB still answer to.
 */
record ReplicaStatus(
        boolean ioRunning,
        int ioErrno,
        String ioError,
        boolean sqlRunning,
        int sqlErrno,
        String sqlError,
        String executedFile,
        long executedPosition) {

    static ReplicaStatus read(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SHOW SLAVE STATUS")) {
            if (!rs.next()) {
                throw new IllegalStateException("SHOW SLAVE STATUS is empty: replication was never configured");
            }
            // "Connecting" counts as running: the I/O thread is still trying.
            return new ReplicaStatus(
                    !"No".equalsIgnoreCase(rs.getString("Slave_IO_Running")),
                    rs.getInt("Last_IO_Errno"),
                    rs.getString("Last_IO_Error"),
                    "Yes".equalsIgnoreCase(rs.getString("Slave_SQL_Running")),
                    rs.getInt("Last_SQL_Errno"),
                    rs.getString("Last_SQL_Error"),
                    rs.getString("Relay_Master_Log_File"),
                    rs.getLong("Exec_Master_Log_Pos"));
        }
    }

    /**
     * Why replication stopped for good, or null while it runs. An I/O error while the thread still
     * retries (e.g. connecting) is not final; one that stopped it (e.g. 1236, a position the source
     * cannot read from) is.
     */
    String failure() {
        if (sqlErrno != 0 || !sqlRunning) {
            return "the SQL thread stopped with error " + sqlErrno + ": " + sqlError;
        }
        if (ioErrno != 0 && !ioRunning) {
            return "the I/O thread stopped with error " + ioErrno + ": " + ioError;
        }
        return null;
    }

    /** Whether the applier has executed the source's log up to {@code end} (file names sort in log order). */
    boolean executedUpTo(ReplayPoint end) {
        int byFile = executedFile == null ? -1 : executedFile.compareTo(end.file());
        return byFile > 0 || (byFile == 0 && executedPosition >= end.position());
    }

    @Override
    public String toString() {
        return "IO " + (ioRunning ? "running" : "stopped") + (ioErrno == 0 ? "" : " (" + ioErrno + " " + ioError + ")")
                + ", SQL " + (sqlRunning ? "running" : "stopped")
                + (sqlErrno == 0 ? "" : " (" + sqlErrno + " " + sqlError + ")")
                + ", executed up to " + executedFile + ":" + executedPosition;
    }
}
