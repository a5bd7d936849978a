package io.github.quiesce;

import java.util.Objects;

/**
 * On a replica: where its source was when the replica's data was frozen, i.e. the source's coordinates
 * of the last transaction the replica applied, and the statements that point a new replica there (as
 * {@code xtrabackup --slave-info} and {@code mysqldump --dump-replica} write them).
 *
 * @param host                         the source's host as the replica knows it
 * @param port                         the source's port
 * @param logFile                      the source's binary log file ({@code Relay_Master_Log_File} / {@code Relay_Source_Log_File});
 *                                     "" when the replica has applied nothing from this source yet, so only the GTID set says
 *                                     where to start (never an invented file and position)
 * @param logPosition                  the position in it ({@code Exec_Master_Log_Pos} / {@code Exec_Source_Log_Pos}); 0 when
 *                                     {@code logFile} is ""
 * @param gtidSet                      MySQL: the replica's {@code Executed_Gtid_Set}; MariaDB: {@code @@gtid_slave_pos}; "" without GTIDs
 * @param changeSourceStatement        {@code CHANGE REPLICATION SOURCE TO} / {@code CHANGE MASTER TO} by file and position; ""
 *                                     when the position is unknown
 * @param changeSourceByGtidStatement  the GTID form ({@code gtid_purged} / {@code gtid_slave_pos} + auto position); "" without GTIDs
 */
public record ReplicaSource(
        String host,
        int port,
        String logFile,
        long logPosition,
        String gtidSet,
        String changeSourceStatement,
        String changeSourceByGtidStatement) {

    public ReplicaSource {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(logFile, "logFile");
        gtidSet = gtidSet == null ? "" : gtidSet;
        Objects.requireNonNull(changeSourceStatement, "changeSourceStatement");
        changeSourceByGtidStatement = changeSourceByGtidStatement == null ? "" : changeSourceByGtidStatement;
    }
}
