package io.github.quiesce.percona;

import io.github.quiesce.BackupSqlException;
import io.github.quiesce.BinlogCoordinates;
import io.github.quiesce.CoordinatesUnavailableException;
import io.github.quiesce.Flavor;
import io.github.quiesce.LockAcquisitionException;
import io.github.quiesce.Privilege;
import io.github.quiesce.ServerInfo;
import io.github.quiesce.StrategyOption;
import io.github.quiesce.spi.support.BinaryLogStatus;
import io.github.quiesce.spi.LockContext;
import io.github.quiesce.spi.LockStrategy;
import io.github.quiesce.spi.support.LogStatus;
import io.github.quiesce.spi.PrivilegeRequirement;
import io.github.quiesce.spi.Sql;
import io.github.quiesce.spi.Support;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Percona Server backup locks: a lighter alternative to {@code FLUSH TABLES WITH READ LOCK} that never
 * blocks SELECTs or InnoDB DML, and does not flush tables.
 *
 * <p><b>Percona Server 5.6.16+ / 5.7</b> (XtraBackup's order adapted to the session API):
 * <ol>
 *   <li>open: {@code LOCK TABLES FOR BACKUP} — blocks DDL and writes to non-transactional tables
 *       (MyISAM, CSV, MEMORY, ARCHIVE, TokuDB, MyRocks). The caller may now copy non-InnoDB files and .frm.</li>
 *   <li>{@code coordinates()}: {@code LOCK BINLOG FOR BACKUP} (blocks only what would move the binlog
 *       position), {@code SHOW MASTER STATUS}, the caller's snapshot transactions if any,
 *       {@code UNLOCK BINLOG}.</li>
 *   <li>close: {@code UNLOCK TABLES}.</li>
 * </ol>
 * With {@link #INNODB_ONLY_COORDINATES} and {@code have_backup_safe_binlog_info=YES} (PS 5.6.26+), step 2
 * takes no binlog lock: {@code START TRANSACTION WITH CONSISTENT SNAPSHOT} and the status variables
 * {@code Binlog_snapshot_file}/{@code Binlog_snapshot_position} give coordinates consistent with InnoDB
 * data only (XtraBackup's lockless binlog info); the transaction ends at close. This is the consistent-snapshot
 * variant of Percona's {@code mysqldump --lock-for-backup --single-transaction}: snapshot connections
 * asked for with {@code snapshotConnections(n)} run {@code START TRANSACTION WITH CONSISTENT SNAPSHOT FROM
 * SESSION <id>} and so share the session's snapshot exactly, with no lock on commits at all.
 *
 * <p><b>Percona Server 8.0</b> reports {@code have_backup_locks=YES} but has no {@code LOCK BINLOG FOR
 * BACKUP}: open takes {@code LOCK TABLES FOR BACKUP}; coordinates come from
 * {@code performance_schema.log_status}, never from {@code SHOW MASTER STATUS} under LTFB alone (InnoDB
 * commits still move the binlog: that is how Debezium's {@code minimal_percona} returns coordinates that
 * do not match the data). PS 8.0 before 8.0.27-18 is affected by PS-7873 (log_status can lag): there
 * {@link LogStatus#capture} verifies each read against the binary log, which needs REPLICATION SLAVE.
 *
 * <p>Privileges: RELOAD on 5.6/5.7, BACKUP_ADMIN from PS 8.0.13; plus REPLICATION CLIENT (5.x) for the
 * binary log status. Refused up front when {@code delay_key_write=ALL} (LTFB fails there: MyISAM index
 * writes are not flushed, so copied indexes would be stale).
 */
public final class PerconaBackupLocksStrategy implements LockStrategy {

    public static final String NAME = "percona-backup-locks";

    /**
     * Take coordinates consistent with InnoDB data only, without {@code LOCK BINLOG FOR BACKUP}. Needs
     * {@code have_backup_safe_binlog_info=YES}. Default false (the safe order).
     */
    public static final StrategyOption<Boolean> INNODB_ONLY_COORDINATES =
            StrategyOption.of("percona.innodb-only-coordinates", Boolean.class, false);

    static final String LOCK_TABLES = "LOCK TABLES FOR BACKUP";
    static final String UNLOCK_TABLES = "UNLOCK TABLES";
    static final String LOCK_BINLOG = "LOCK BINLOG FOR BACKUP";
    static final String UNLOCK_BINLOG = "UNLOCK BINLOG";
    static final String START_SNAPSHOT = "START TRANSACTION WITH CONSISTENT SNAPSHOT";
    static final String CLONE_SNAPSHOT = "START TRANSACTION WITH CONSISTENT SNAPSHOT FROM SESSION ?";
    static final String SNAPSHOT_STATUS = "SHOW STATUS LIKE 'Binlog_snapshot_%'";
    static final String COMMIT = "COMMIT";
    /** Backup locks are no-ops on a connection that holds FTWRL; we must know, not assume. */
    static final String OWN_GLOBAL_LOCKS = "SELECT COUNT(*) FROM performance_schema.metadata_locks m"
            + " JOIN performance_schema.threads t ON t.THREAD_ID = m.OWNER_THREAD_ID"
            + " WHERE t.PROCESSLIST_ID = CONNECTION_ID() AND m.OBJECT_TYPE = 'GLOBAL'";
    static final String DELAYED_KEY_TABLES = "SELECT CONCAT(TABLE_SCHEMA, '.', TABLE_NAME) AS name FROM information_schema.TABLES"
            + " WHERE ENGINE = 'MyISAM' AND CREATE_OPTIONS LIKE '%delay_key_write=1%'";

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

    /** Read by the probe for this strategy: whether the server has backup locks, its lockless binlog info, MyISAM key caching. */
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
            return Support.no("delay_key_write=ALL: MyISAM index changes stay in the key cache, so LOCK TABLES FOR BACKUP"
                    + " refuses to run (copied indexes would be stale). Set delay_key_write=ON or OFF (SET GLOBAL"
                    + " delay_key_write=ON, and in my.cnf), or use the ftwrl strategy");
        }
        if (hasNoBinlogLock(server) && server.binaryLogEnabled() && !server.hasLogStatus()) {
            return Support.no("Percona Server 8.0 has no LOCK BINLOG FOR BACKUP and performance_schema.log_status"
                    + " needs 8.0.14 or later");
        }
        if (server.galera().map(g -> !g.backupLocksPauseTheNode()).orElse(false)) {
            return Support.no("on a Galera node (Percona XtraDB Cluster) backup locks neither desync nor pause the node: its"
                    + " coordinates could not carry the Galera position, and a DDL from another node would wait in this node's"
                    + " applier (PXC-5203); ftwrl desyncs and pauses the node");
        }
        return Support.yes();
    }

    /** LOCK BINLOG FOR BACKUP was never ported to Percona Server 8.0. */
    static boolean hasNoBinlogLock(ServerInfo server) {
        return server.version().atLeast(8, 0, 0);
    }

    @Override
    public List<PrivilegeRequirement> requiredPrivileges(ServerInfo server) {
        List<PrivilegeRequirement> r = new ArrayList<>();
        if (server.version().atLeast(8, 0, 13)) {
            r.add(PrivilegeRequirement.of(Privilege.BACKUP_ADMIN, LOCK_TABLES + " and performance_schema.log_status"));
        } else {
            r.add(PrivilegeRequirement.of(Privilege.RELOAD, LOCK_TABLES));
        }
        if (hasNoBinlogLock(server)) {
            r.addAll(LogStatus.requirements(server));
        } else {
            r.addAll(BinaryLogStatus.requirements(server));
        }
        return r;
    }

    @Override
    public void acquire(LockContext context) {
        Sql sql = context.sql();
        requireNoGlobalReadLock(sql, context.server());
        warnAboutDelayedKeyTables(sql, context.server());
        run(sql, LOCK_TABLES);
        context.onRelease(UNLOCK_TABLES, s -> run(s, UNLOCK_TABLES));
    }

    @Override
    public BinlogCoordinates captureCoordinates(LockContext context) {
        Sql sql = context.sql();
        ServerInfo server = context.server();
        if (hasNoBinlogLock(server)) {
            return LogStatus.capture(context);
        }
        if (context.options().get(INNODB_ONLY_COORDINATES) && server.isYes("have_backup_safe_binlog_info")) {
            BinlogCoordinates c = innodbSnapshotCoordinates(context);
            // Every snapshot is a clone of the session's own, so all share its Binlog_snapshot_* position.
            context.snapshots().open(CLONE_SNAPSHOT, context.connectionId());
            return c;
        }
        run(sql, LOCK_BINLOG);
        try {
            BinlogCoordinates c = BinaryLogStatus.read(sql, server);
            context.snapshots().open();
            return c;
        } finally {
            run(sql, UNLOCK_BINLOG);
        }
    }

    private BinlogCoordinates innodbSnapshotCoordinates(LockContext context) {
        Sql sql = context.sql();
        run(sql, START_SNAPSHOT);
        context.onRelease(COMMIT, s -> s.execute(COMMIT));
        Map<String, String> status = sql.rows(SNAPSHOT_STATUS).stream()
                .collect(Collectors.toMap(r -> r.get("Variable_name").toLowerCase(Locale.ROOT), r -> r.get("Value")));
        String file = status.get("binlog_snapshot_file");
        String position = status.get("binlog_snapshot_position");
        if (file == null || position == null || file.isEmpty()) {
            throw new CoordinatesUnavailableException(context.server()
                    + " reported no Binlog_snapshot_file/Binlog_snapshot_position after " + START_SNAPSHOT);
        }
        String gtid = status.getOrDefault("binlog_snapshot_gtid_executed", "");
        return new BinlogCoordinates(file, Long.parseLong(position), BinaryLogStatus.normalizeGtidSet(gtid));
    }

    private static void requireNoGlobalReadLock(Sql sql, ServerInfo server) {
        String held;
        try {
            held = sql.scalar(OWN_GLOBAL_LOCKS);
        } catch (BackupSqlException e) {
            LOG.debug("Cannot read this connection's metadata locks on {} ({}); it is new from the DataSource", server, e.getMessage());
            return;
        }
        if (held != null && !held.equals("0")) {
            throw new LockAcquisitionException("The session's connection already holds a global read lock"
                    + " (FLUSH TABLES WITH READ LOCK) on " + server + "; backup locks would silently do nothing."
                    + " The DataSource handed out a connection with a leftover lock: fix the code that leaked it.");
        }
    }

    private static void warnAboutDelayedKeyTables(Sql sql, ServerInfo server) {
        if (!server.variable("delay_key_write").map("ON"::equalsIgnoreCase).orElse(false)) {
            return;
        }
        List<String> tables = sql.rows(DELAYED_KEY_TABLES).stream().map(r -> r.get("name")).toList();
        if (!tables.isEmpty()) {
            LOG.warn("MyISAM tables created with DELAY_KEY_WRITE=1 on {}: {}. LOCK TABLES FOR BACKUP cannot protect their"
                    + " index files; a physical copy may hold stale indexes (repair them after restore, or set"
                    + " delay_key_write=OFF).", server, tables);
        }
    }

    /** Runs a statement and turns Percona's error 1880 into a typed exception naming it. */
    private static void run(Sql sql, String statement) {
        try {
            sql.execute(statement);
        } catch (BackupSqlException e) {
            if (e.vendorCode() == ConflictingBackupLockException.ERROR_CODE) {
                throw new ConflictingBackupLockException(statement + " conflicts with a backup lock held by this session's"
                        + " connection on " + sql.server(), e);
            }
            throw e;
        }
    }
}
