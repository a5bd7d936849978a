package io.github.quiesce.percona;

import io.github.quiesce.BackupSqlException;
import io.github.quiesce.BinlogCoordinates;
import io.github.quiesce.CoordinatesUnavailableException;
import io.github.quiesce.Flavor;
import io.github.quiesce.ServerInfo;
import io.github.quiesce.StrategyOption;
import io.github.quiesce.spi.LockContext;
import io.github.quiesce.spi.LockStrategy;
import io.github.quiesce.spi.PrivilegeRequirement;
import io.github.quiesce.spi.Sql;
import io.github.quiesce.spi.Support;
import io.github.quiesce.spi.support.BinaryLogStatus;
import io.github.quiesce.spi.support.LogStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Percona Server backup locks: a lighter alternative to {@code FLUSH TABLES WITH READ LOCK} that never
 * blocks SELECTs or InnoDB DML, and does not flush tables. Every statement it sends is in
 * {@link BackupLockStatements}.
 *
 * <p><b>open</b> (every generation): {@code LOCK TABLES FOR BACKUP}. It blocks DDL and writes to
 * non-transactional tables (MyISAM, CSV, MEMORY, ARCHIVE, TokuDB) of other connections, which wait in
 * "Waiting for backup lock" (8.0: "Waiting for table backup lock") until it is released or their
 * {@code lock_wait_timeout} passes. The caller may now copy non-InnoDB files. <b>close</b>: {@code UNLOCK TABLES}.
 *
 * <p><b>{@code coordinates()}</b>:
 * <ul>
 *   <li>5.6/5.7: {@code LOCK BINLOG FOR BACKUP} (stops everything that would write to the binary log, including
 *       InnoDB commits), {@code SHOW MASTER STATUS}, the snapshot transactions if any, {@code UNLOCK BINLOG}.</li>
 *   <li>8.0 without snapshot connections: {@code performance_schema.log_status}, verified against the binary
 *       log on builds before 8.0.27-18 (PS-7873, see {@link LogStatus#capture}); never {@code SHOW MASTER STATUS}
 *       under LOCK TABLES FOR BACKUP alone, which does not stop InnoDB commits.</li>
 *   <li>8.0 with snapshot connections, and either line with {@link #INNODB_ONLY_COORDINATES}: Percona's
 *       consistent snapshot ({@link SnapshotCoordinates}), which stops no commit. 8.0 has no other way: FLUSH
 *       TABLES WITH READ LOCK is refused on a connection that holds LOCK TABLES FOR BACKUP.</li>
 * </ul>
 *
 * <p>Privileges: RELOAD on 5.x (and 8.0 before 8.0.13-4), BACKUP_ADMIN from 8.0.13-4; plus what the
 * coordinates need. Refused up front when {@code delay_key_write=ALL}, where LOCK TABLES FOR BACKUP fails
 * (MyISAM index writes stay in the key cache, so copied indexes would be stale).
 */
public final class PerconaBackupLocksStrategy implements LockStrategy {

    public static final String NAME = "percona-backup-locks";

    /**
     * Coordinates consistent with InnoDB data (and non-InnoDB tables, frozen by LOCK TABLES FOR BACKUP)
     * from Percona's consistent snapshot instead of a lock on commits: on 5.x no {@code LOCK BINLOG FOR
     * BACKUP}; on 8.0 no log_status. Needs {@code have_backup_safe_binlog_info=YES}; otherwise the default
     * order is used. Default false.
     */
    public static final StrategyOption<Boolean> INNODB_ONLY_COORDINATES =
            StrategyOption.of("percona.innodb-only-coordinates", Boolean.class, false);

    /** Above FTWRL (10): blocks only DDL and non-transactional writes, never InnoDB DML. */
    static final int PRIORITY = 40;

    private static final Logger LOG = LoggerFactory.getLogger(PerconaBackupLocksStrategy.class);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return PRIORITY;
    }

    /** Read by the probe for this strategy: whether the server has backup locks, its consistent binlog snapshot, MyISAM key caching. */
    @Override
    public Set<String> serverVariables() {
        return Set.of("have_backup_locks", "have_backup_safe_binlog_info", "delay_key_write");
    }

    /** Percona Server's {@code LOCK TABLES FOR BACKUP} ({@code have_backup_locks=YES}). */
    public static boolean hasBackupLocks(ServerInfo server) {
        return server.flavor() == Flavor.PERCONA && server.isYes("have_backup_locks");
    }

    @Override
    public Support supports(ServerInfo server) {
        if (server.flavor() != Flavor.PERCONA) {
            return Support.no("backup locks exist only on Percona Server, this is " + server.describe());
        }
        if (!hasBackupLocks(server)) {
            return Support.no("have_backup_locks is not YES");
        }
        if (server.version().before(5, 6, 16)) {
            return Support.no("backup locks need Percona Server 5.6.16 or later");
        }
        if (server.variable("delay_key_write").map("ALL"::equalsIgnoreCase).orElse(false)) {
            return Support.no(
                    "delay_key_write=ALL: MyISAM index changes stay in the key cache, so LOCK TABLES FOR BACKUP"
                            + " refuses to run (copied indexes would be stale). Set delay_key_write=ON or OFF (SET GLOBAL"
                            + " delay_key_write=ON, and in my.cnf), or use the ftwrl strategy");
        }
        if (!PerconaGeneration.of(server).hasBinlogLock() && server.binaryLogEnabled() && !server.hasLogStatus()) {
            return Support.no("Percona Server 8.0 has no LOCK BINLOG FOR BACKUP and performance_schema.log_status"
                    + " needs 8.0.14 or later");
        }
        if (server.galera().map(g -> !g.backupLocksPauseTheNode()).orElse(false)) {
            return Support.no(
                    "on a Galera node (Percona XtraDB Cluster) backup locks neither desync nor pause the node: its"
                            + " coordinates could not carry the Galera position, and a DDL from another node would wait in this node's"
                            + " applier (PXC-5203); ftwrl desyncs and pauses the node");
        }
        return Support.yes();
    }

    @Override
    public List<PrivilegeRequirement> requiredPrivileges(ServerInfo server) {
        List<PrivilegeRequirement> r = new ArrayList<>();
        String purpose = BackupLockStatements.LOCK_TABLES
                + (PerconaGeneration.of(server).hasBinlogLock()
                        ? " and " + BackupLockStatements.LOCK_BINLOG
                        : " and performance_schema.log_status");
        r.add(PrivilegeRequirement.of(PerconaGeneration.backupLockPrivilege(server), purpose));
        if (PerconaGeneration.of(server).hasBinlogLock()) {
            r.addAll(BinaryLogStatus.requirements(server));
        } else {
            r.addAll(LogStatus.requirements(server));
        }
        return r;
    }

    @Override
    public void acquire(LockContext context) {
        Sql sql = context.sql();
        ServerInfo server = context.server();
        LeftoverLocks.refuseGlobalReadLock(sql, server);
        warnAboutDelayedKeyTables(sql, server);
        run(sql, PerconaGeneration.of(server), BackupLockStatements.LOCK_TABLES);
        context.onRelease(BackupLockStatements.UNLOCK_TABLES, s -> s.execute(BackupLockStatements.UNLOCK_TABLES));
    }

    @Override
    public BinlogCoordinates captureCoordinates(LockContext context) {
        ServerInfo server = context.server();
        PerconaGeneration generation = PerconaGeneration.of(server);
        boolean snapshotAvailable = SnapshotCoordinates.available(server);
        if (context.options().get(INNODB_ONLY_COORDINATES) && snapshotAvailable) {
            return SnapshotCoordinates.capture(context, generation);
        }
        if (generation.hasBinlogLock()) {
            return underBinlogLock(context, generation);
        }
        if (context.snapshots().requested() > 0) {
            if (!snapshotAvailable) {
                throw new CoordinatesUnavailableException(
                        "Snapshot connections on " + server + " need Percona's consistent"
                                + " snapshot (have_backup_safe_binlog_info=YES): FLUSH TABLES WITH READ LOCK, the other way to stop"
                                + " commits for an instant, is refused on a connection that holds LOCK TABLES FOR BACKUP. Use the"
                                + " mysql-instance-lock or ftwrl strategy for snapshots on this server");
            }
            return SnapshotCoordinates.capture(context, generation);
        }
        try {
            return LogStatus.capture(context);
        } catch (BackupSqlException e) {
            throw PerconaErrors.translate(
                    generation, String.valueOf(e.statement()), e, context.sql().server());
        }
    }

    /** 5.x: commits stop under the binlog lock, which is released here whatever happens. */
    private static BinlogCoordinates underBinlogLock(LockContext context, PerconaGeneration generation) {
        Sql sql = context.sql();
        run(sql, generation, BackupLockStatements.LOCK_BINLOG);
        try {
            BinlogCoordinates c = BinaryLogStatus.read(sql, context.server());
            context.snapshots().open();
            return c;
        } finally {
            run(sql, generation, BackupLockStatements.UNLOCK_BINLOG);
        }
    }

    private static void warnAboutDelayedKeyTables(Sql sql, ServerInfo server) {
        if (!server.variable("delay_key_write").map("ON"::equalsIgnoreCase).orElse(false)) {
            return;
        }
        List<String> tables = sql.rows(BackupLockStatements.DELAYED_KEY_TABLES).stream()
                .map(r -> r.get("name"))
                .toList();
        if (!tables.isEmpty()) {
            LOG.warn(
                    "MyISAM tables created with DELAY_KEY_WRITE=1 on {}: {}. LOCK TABLES FOR BACKUP cannot protect their"
                            + " index files; a physical copy may hold stale indexes (repair them after restore, or set"
                            + " delay_key_write=OFF).",
                    server,
                    tables);
        }
    }

    /** Runs one of the strategy's statements, turning Percona's errors into typed exceptions naming it. */
    static void run(Sql sql, PerconaGeneration generation, String statement) {
        try {
            sql.execute(statement);
        } catch (BackupSqlException e) {
            throw PerconaErrors.translate(generation, statement, e, sql.server());
        }
    }
}
