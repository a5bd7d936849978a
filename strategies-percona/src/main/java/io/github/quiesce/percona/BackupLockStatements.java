package io.github.quiesce.percona;

import java.util.List;

/**
 * Every statement {@link PerconaBackupLocksStrategy} sends, in one place. Each runs through the session's
 * {@link io.github.quiesce.spi.Sql} runner, which logs it at DEBUG with its duration. The conformance suite
 * (strategies-percona tests) checks that each one is exercised by a case taken from Percona's MTR tests.
 */
final class BackupLockStatements {

    // ---- taken in acquire() -------------------------------------------------------------------------

    /** Whether the metadata-lock instrument is on; off by default on 5.7, and then {@link #OWN_GLOBAL_READ_LOCK} sees nothing. */
    static final String MDL_INSTRUMENT =
            "SELECT ENABLED FROM performance_schema.setup_instruments WHERE NAME = 'wait/lock/metadata/sql/mdl'";
    /** A FLUSH TABLES WITH READ LOCK this connection holds: LOCK TABLES FOR BACKUP would then silently do nothing. */
    static final String OWN_GLOBAL_READ_LOCK = "SELECT COUNT(*) FROM performance_schema.metadata_locks m"
            + " JOIN performance_schema.threads t ON t.THREAD_ID = m.OWNER_THREAD_ID"
            + " WHERE t.PROCESSLIST_ID = CONNECTION_ID() AND m.OBJECT_TYPE = 'GLOBAL' AND m.LOCK_TYPE = 'SHARED'";
    /** MyISAM tables whose index writes stay in the key cache (delay_key_write=ON honours DELAY_KEY_WRITE=1). */
    static final String DELAYED_KEY_TABLES =
            "SELECT CONCAT(TABLE_SCHEMA, '.', TABLE_NAME) AS name FROM information_schema.TABLES"
                    + " WHERE ENGINE = 'MyISAM' AND CREATE_OPTIONS LIKE '%delay_key_write=1%'";

    static final String LOCK_TABLES = "LOCK TABLES FOR BACKUP";
    /** Releases the tables backup lock (and a global read lock, which this strategy never takes). */
    static final String UNLOCK_TABLES = "UNLOCK TABLES";

    // ---- 5.6/5.7 coordinates ------------------------------------------------------------------------

    /** Stops whatever would write to the binary log; LOCK TABLES FOR BACKUP already stopped non-InnoDB writes and DDL. */
    static final String LOCK_BINLOG = "LOCK BINLOG FOR BACKUP";
    /** Releases only the binlog lock: UNLOCK TABLES leaves it held. */
    static final String UNLOCK_BINLOG = "UNLOCK BINLOG";
    // SHOW MASTER STATUS (SHOW BINARY LOG STATUS where renamed) is sent by spi.support.BinaryLogStatus.

    // ---- consistent-snapshot coordinates (5.6.26+/5.7 with INNODB_ONLY_COORDINATES; 8.0 with snapshots) ----

    /** Opens the session's own read view, and with it Binlog_snapshot_* of the same instant. */
    static final String START_SNAPSHOT = "START TRANSACTION WITH CONSISTENT SNAPSHOT";
    /** Binlog_snapshot_file, Binlog_snapshot_position and (PS-4464 builds) Binlog_snapshot_gtid_executed. */
    static final String SNAPSHOT_STATUS = "SHOW STATUS LIKE 'Binlog_snapshot_%'";
    /** Each snapshot connection clones the session's read view and binlog snapshot. */
    static final String CLONE_SNAPSHOT = "START TRANSACTION WITH CONSISTENT SNAPSHOT FROM SESSION ?";
    /** Ends the session's snapshot transaction at close. */
    static final String COMMIT = "COMMIT";

    // ---- 8.0 coordinates without snapshots ----------------------------------------------------------

    /**
     * Sent by spi.support.LogStatus, which verifies it against SHOW BINLOG EVENTS on builds before 8.0.27-18
     * (PS-7873). Listed here because it is part of what the strategy does.
     */
    static final String LOG_STATUS = "SELECT LOCAL FROM performance_schema.log_status";

    private BackupLockStatements() {}

    /** What the strategy may send on a generation, for the conformance suite's coverage check. */
    static List<String> sentOn(PerconaGeneration generation) {
        List<String> common = List.of(
                MDL_INSTRUMENT,
                OWN_GLOBAL_READ_LOCK,
                DELAYED_KEY_TABLES,
                LOCK_TABLES,
                UNLOCK_TABLES,
                START_SNAPSHOT,
                SNAPSHOT_STATUS,
                CLONE_SNAPSHOT,
                COMMIT);
        List<String> specific = generation.hasBinlogLock()
                ? List.of(LOCK_BINLOG, "SHOW MASTER STATUS", UNLOCK_BINLOG, io.github.quiesce.spi.Snapshots.START)
                : List.of(LOG_STATUS);
        return java.util.stream.Stream.concat(common.stream(), specific.stream())
                .toList();
    }
}
