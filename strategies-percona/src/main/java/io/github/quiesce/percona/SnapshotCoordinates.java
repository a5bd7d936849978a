package io.github.quiesce.percona;

import io.github.quiesce.BinlogCoordinates;
import io.github.quiesce.CoordinatesUnavailableException;
import io.github.quiesce.ServerInfo;
import io.github.quiesce.spi.LockContext;
import io.github.quiesce.spi.Sql;
import io.github.quiesce.spi.support.BinaryLogStatus;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Coordinates from Percona's consistent snapshot, taking no lock on commits: {@code START TRANSACTION WITH
 * CONSISTENT SNAPSHOT} on the session's connection, then {@code Binlog_snapshot_file},
 * {@code Binlog_snapshot_position} and {@code Binlog_snapshot_gtid_executed}, which the server takes
 * together with the InnoDB read view; each snapshot connection clones that read view with
 * {@code START TRANSACTION WITH CONSISTENT SNAPSHOT FROM SESSION <id>}, so all see exactly the data at the
 * coordinates. Non-InnoDB tables are covered by the LOCK TABLES FOR BACKUP the session already holds,
 * which stopped their writes (and DDL) before the snapshot was taken.
 *
 * <p>This is what Percona's mysqldump does with {@code --lock-for-backup --single-transaction --source-data}
 * (backup_locks_mysqldump.result: LOCK TABLES FOR BACKUP, START TRANSACTION WITH CONSISTENT SNAPSHOT, SHOW
 * STATUS LIKE 'binlog_snapshot_%'), and it is the only way to open snapshots on Percona Server 8.0 that
 * needs no FLUSH TABLES WITH READ LOCK: that statement fails with ER_CANT_EXECUTE_WITH_BACKUP_LOCK on a
 * connection holding the tables backup lock (backup_locks.inc), and its UNLOCK TABLES would drop the lock.
 */
final class SnapshotCoordinates {

    /** What Binlog_snapshot_gtid_executed reads outside a consistent-snapshot transaction. */
    static final String NOT_IN_SNAPSHOT = "not-in-consistent-snapshot";

    private SnapshotCoordinates() {}

    /** Available where the server says its binlog snapshot is consistent with InnoDB (PS 5.6.26+, every 8.0). */
    static boolean available(ServerInfo server) {
        return server.isYes("have_backup_safe_binlog_info");
    }

    static BinlogCoordinates capture(LockContext context, PerconaGeneration generation) {
        Sql sql = context.sql();
        ServerInfo server = context.server();
        PerconaBackupLocksStrategy.run(sql, generation, BackupLockStatements.START_SNAPSHOT);
        context.onRelease(BackupLockStatements.COMMIT, s -> s.execute(BackupLockStatements.COMMIT));
        Map<String, String> status = sql.rows(BackupLockStatements.SNAPSHOT_STATUS).stream()
                .collect(Collectors.toMap(
                        r -> r.get("Variable_name").toLowerCase(Locale.ROOT), r -> r.get("Value"), (a, b) -> a));
        String file = status.get("binlog_snapshot_file");
        String position = status.get("binlog_snapshot_position");
        if (file == null || position == null || file.isEmpty()) {
            throw new CoordinatesUnavailableException(
                    server + " reported no Binlog_snapshot_file/Binlog_snapshot_position after "
                            + BackupLockStatements.START_SNAPSHOT);
        }
        BinlogCoordinates c = new BinlogCoordinates(file, Long.parseLong(position), gtidSet(status, server));
        // Every clone shares the session's read view and Binlog_snapshot_* values exactly.
        context.snapshots().open(BackupLockStatements.CLONE_SNAPSHOT, context.connectionId());
        return c;
    }

    /**
     * With GTIDs the set must be the snapshot's own: gtid_executed read next to it would include commits
     * the snapshot does not see (PS-6112, the mysqldump bug this variable was added for).
     */
    private static String gtidSet(Map<String, String> status, ServerInfo server) {
        if (!server.usesMysqlGtids() || !server.gtidEnabled()) {
            return "";
        }
        String gtid = status.get("binlog_snapshot_gtid_executed");
        if (gtid == null || gtid.equals(NOT_IN_SNAPSHOT)) {
            throw new CoordinatesUnavailableException(
                    server + " runs with gtid_mode=ON but has no Binlog_snapshot_gtid_executed"
                            + " for the snapshot (the status variable came with PS-4464): its GTID set cannot be read consistently with"
                            + " the data. Upgrade Percona Server, or do not ask for snapshot connections / "
                            + PerconaBackupLocksStrategy.INNODB_ONLY_COORDINATES.name() + " on it");
        }
        return BinaryLogStatus.normalizeGtidSet(gtid);
    }
}
