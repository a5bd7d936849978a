package io.github.quiesce.readonly;

import io.github.quiesce.CoordinatesUnavailableException;
import io.github.quiesce.ReplicaSource;
import io.github.quiesce.ServerInfo;
import io.github.quiesce.spi.LockContext;
import io.github.quiesce.spi.Sql;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code SHOW SLAVE STATUS} / {@code SHOW REPLICA STATUS} says about the replica's source, under
 * either spelling of the column names (MySQL renamed them in 8.0.22; MariaDB keeps {@code Master_*}).
 */
record ReplicaStatus(
        String sourceHost,
        int sourcePort,
        String sourceLogFile,
        long sourceLogPosition,
        String executedGtidSet,
        boolean sqlThreadRunning,
        String sqlThreadState) {

    static Optional<ReplicaStatus> read(Sql sql, ServerInfo server) {
        return sql.firstRow(server.replicaStatusStatement()).map(ReplicaStatus::of);
    }

    private static ReplicaStatus of(Map<String, String> row) {
        return new ReplicaStatus(
                column(row, "Source_Host", "Master_Host"),
                Integer.parseInt(column(row, "Source_Port", "Master_Port")),
                column(row, "Relay_Source_Log_File", "Relay_Master_Log_File"),
                Long.parseLong(column(row, "Exec_Source_Log_Pos", "Exec_Master_Log_Pos")),
                Optional.ofNullable(row.get("Executed_Gtid_Set")).orElse("").replace("\n", ""),
                "Yes".equalsIgnoreCase(column(row, "Replica_SQL_Running", "Slave_SQL_Running")),
                column(row, "Replica_SQL_Running_State", "Slave_SQL_Running_State"));
    }

    private static String column(Map<String, String> row, String name, String oldName) {
        String v = row.containsKey(name) ? row.get(name) : row.get(oldName);
        return v == null ? "" : v;
    }

    /**
     * The source's coordinates of what this replica has applied, with the statements that point a new
     * replica there (xtrabackup --slave-info, mysqldump --dump-replica).
     *
     * @param gtid MySQL: the replica's executed GTID set; MariaDB: {@code @@gtid_slave_pos}
     */
    ReplicaSource source(String gtid, ServerInfo server) {
        String g = gtid == null ? "" : gtid.replace("\n", "");
        if (sourceLogFile.isEmpty()) {
            // Nothing applied from this source yet (e.g. its IO thread cannot log in): the status shows position 4
            // of no file, a point that does not exist. Only the executed GTID set, if any, says where to start.
            if (g.isEmpty()) {
                throw new CoordinatesUnavailableException(
                        "The replica " + server + " has applied nothing from its source "
                                + sourceHost + ":" + sourcePort
                                + " yet (Relay_Master_Log_File is empty) and has no GTID set, so the"
                                + " source position of this copy is unknown. Check the replication threads (SHOW REPLICA STATUS).");
            }
            return new ReplicaSource(
                    sourceHost, sourcePort, "", 0, g, "", ChangeSource.byGtid(server, sourceHost, sourcePort, g));
        }
        return new ReplicaSource(
                sourceHost,
                sourcePort,
                sourceLogFile,
                sourceLogPosition,
                g,
                ChangeSource.byPosition(server, sourceHost, sourcePort, sourceLogFile, sourceLogPosition),
                g.isEmpty() ? "" : ChangeSource.byGtid(server, sourceHost, sourcePort, g));
    }

    /** XtraBackup's safe-slave-backup step: let the SQL thread run a moment so its temporary tables can close. */
    static void restart(LockContext context) {
        context.sql().execute(ReadOnlyStrategy.startSqlThread(context.server()));
        try {
            Thread.sleep(1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        context.sql().execute(ReadOnlyStrategy.stopSqlThread(context.server()));
    }
}
