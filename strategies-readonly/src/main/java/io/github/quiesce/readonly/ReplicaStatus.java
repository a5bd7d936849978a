package io.github.quiesce.readonly;

import io.github.quiesce.CoordinatesUnavailableException;
import io.github.quiesce.ReplicaSource;
import io.github.quiesce.ServerInfo;
import io.github.quiesce.spi.LockContext;
import io.github.quiesce.spi.Sql;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code SHOW SLAVE STATUS} / {@code SHOW REPLICA STATUS} (MariaDB: {@code SHOW ALL ... STATUS}) says
 * about one of the replica's sources, under either spelling of the column names (MySQL renamed them in
 * 8.0.22; MariaDB keeps {@code Master_*}).
 *
 * @param channel MySQL's {@code Channel_Name}, MariaDB's {@code Connection_name}; "" for the default one
 */
record ReplicaStatus(
        String channel,
        String sourceHost,
        int sourcePort,
        String sourceLogFile,
        long sourceLogPosition,
        String executedGtidSet,
        boolean sqlThreadRunning,
        String sqlThreadState) {

    /** One per source, in the server's order; empty on a server that is not a replica. */
    static List<ReplicaStatus> readAll(Sql sql, ServerInfo server) {
        return sql.rows(server.replicaStatusStatement()).stream()
                .map(ReplicaStatus::of)
                .toList();
    }

    /** The default channel's status, or the only one's. */
    static Optional<ReplicaStatus> read(Sql sql, ServerInfo server) {
        List<ReplicaStatus> all = readAll(sql, server);
        return all.stream().filter(s -> s.channel().isEmpty()).findFirst().or(() -> all.stream()
                .findFirst());
    }

    private static ReplicaStatus of(Map<String, String> row) {
        return new ReplicaStatus(
                column(row, "Channel_Name", "Connection_name"),
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
     * @param gtid          MySQL: the replica's executed GTID set; MariaDB: {@code @@gtid_slave_pos}
     * @param positionExact false when the status's position is not the data's (a running MySQL multi-threaded
     *                      applier shows its last checkpoint): then only the GTID set is given
     */
    ReplicaSource source(String gtid, ServerInfo server, boolean positionExact) {
        String g = gtid == null ? "" : gtid.replace("\n", "");
        String from = (channel.isEmpty() ? "" : "'" + channel + "' ") + sourceHost + ":" + sourcePort;
        if (sourceLogFile.isEmpty() || !positionExact) {
            // Nothing applied from this source yet (e.g. its IO thread cannot log in): the status shows position 4
            // of no file, a point that does not exist. Or a position that trails the data. Only the executed GTID
            // set, if any, says where to start.
            if (g.isEmpty()) {
                throw new CoordinatesUnavailableException(
                        sourceLogFile.isEmpty()
                                ? "The replica " + server + " has applied nothing from its source " + from
                                        + " yet (Relay_Master_Log_File is empty) and has no GTID set, so the"
                                        + " source position of this copy is unknown. Check the replication threads"
                                        + " (SHOW REPLICA STATUS)."
                                : "The replica " + server + " applies with parallel workers, whose source position ("
                                        + sourceLogFile + ":" + sourceLogPosition + " from " + from + ") is their last"
                                        + " checkpoint and trails the data, and it has no GTID set; so the source position"
                                        + " of this copy is unknown. Set ReadOnlyStrategy.STOP_REPLICA_SQL_THREAD: a"
                                        + " stopped applier has checkpointed all it applied.");
            }
            return new ReplicaSource(
                    channel,
                    sourceHost,
                    sourcePort,
                    "",
                    0,
                    g,
                    "",
                    ChangeSource.byGtid(server, channel, sourceHost, sourcePort, g));
        }
        return new ReplicaSource(
                channel,
                sourceHost,
                sourcePort,
                sourceLogFile,
                sourceLogPosition,
                g,
                ChangeSource.byPosition(server, channel, sourceHost, sourcePort, sourceLogFile, sourceLogPosition),
                g.isEmpty() ? "" : ChangeSource.byGtid(server, channel, sourceHost, sourcePort, g));
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
