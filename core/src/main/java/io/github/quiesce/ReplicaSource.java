package io.github.quiesce;

import java.util.Objects;

/**
 * On a replica: where its source was when the replica's data was frozen, i.e. the source's coordinates
 * of the last transaction the replica applied, and the statements that point a new replica there (as
 * {@code xtrabackup --slave-info} and {@code mysqldump --dump-replica} write them).
 *
 * @param channel                      MySQL's replication channel ({@code Channel_Name}) or MariaDB's connection name
 *                                     ({@code Connection_name}); "" for the default one
 * @param host                         the source's host as the replica knows it
 * @param port                         the source's port
 * @param logFile                      the source's binary log file ({@code Relay_Master_Log_File} / {@code Relay_Source_Log_File});
 *                                     "" when the replica has applied nothing from this source yet, so only the GTID set says
 *                                     where to start (never an invented file and position)
 * @param logPosition                  the position in it ({@code Exec_Master_Log_Pos} / {@code Exec_Source_Log_Pos}); 0 when
 *                                     {@code logFile} is ""
 * @param gtidSet                      MySQL: the replica's {@code Executed_Gtid_Set}; MariaDB: {@code @@gtid_slave_pos}; "" without
 *                                     GTIDs. Both cover every channel, so on a multi-source replica each source carries the same set
 * @param changeSourceStatement        {@code CHANGE REPLICATION SOURCE TO} / {@code CHANGE MASTER TO} by file and position; ""
 *                                     when the position is unknown
 * @param changeSourceByGtidStatement  the GTID form ({@code gtid_purged} / {@code gtid_slave_pos} + auto position); "" without
 *                                     GTIDs. Each channel's text sets the whole set again, which MySQL 8.0 and MariaDB accept
 *                                     when the value is the same (MySQL 5.7 only once: run its {@code SET} for the first channel)
 */
public record ReplicaSource(
        String channel,
        String host,
        int port,
        String logFile,
        long logPosition,
        String gtidSet,
        String changeSourceStatement,
        String changeSourceByGtidStatement) {

    /** A replica's default (or only) channel. */
    public ReplicaSource(
            String host,
            int port,
            String logFile,
            long logPosition,
            String gtidSet,
            String changeSourceStatement,
            String changeSourceByGtidStatement) {
        this("", host, port, logFile, logPosition, gtidSet, changeSourceStatement, changeSourceByGtidStatement);
    }

    public ReplicaSource {
        channel = channel == null ? "" : channel;
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(logFile, "logFile");
        gtidSet = gtidSet == null ? "" : gtidSet;
        Objects.requireNonNull(changeSourceStatement, "changeSourceStatement");
        changeSourceByGtidStatement = changeSourceByGtidStatement == null ? "" : changeSourceByGtidStatement;
    }
}
