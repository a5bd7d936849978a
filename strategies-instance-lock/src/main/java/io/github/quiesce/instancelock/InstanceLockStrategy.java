package io.github.quiesce.instancelock;

import io.github.quiesce.BackupOptions;
import io.github.quiesce.BinlogCoordinates;
import io.github.quiesce.Flavor;
import io.github.quiesce.Privilege;
import io.github.quiesce.ServerInfo;
import io.github.quiesce.StrategyOption;
import io.github.quiesce.spi.InspectContext;
import io.github.quiesce.spi.LockContext;
import io.github.quiesce.spi.LockStrategy;
import io.github.quiesce.spi.PrivilegeRequirement;
import io.github.quiesce.spi.Sql;
import io.github.quiesce.spi.Support;
import io.github.quiesce.spi.support.LogStatus;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code LOCK INSTANCE FOR BACKUP} (MySQL 8.0+, Percona Server 8.0): blocks DDL, file-changing admin
 * statements ({@code TRUNCATE}, {@code OPTIMIZE}, {@code REPAIR}) and account management; never DML
 * and never SELECTs, so writers keep committing while it is held.
 *
 * <p>Sequence on the session's connection:
 * <ol>
 *   <li>open: {@code LOCK INSTANCE FOR BACKUP}.</li>
 *   <li>{@code coordinates()}: {@code SELECT LOCAL FROM performance_schema.log_status}, verified against
 *       the binary log with {@code SHOW BINLOG EVENTS IN ? FROM ? LIMIT 1} (and, at the end of the log,
 *       {@code SELECT @@GLOBAL.gtid_executed}) and re-read until they agree, on versions affected by
 *       MySQL Bug #102175 (MySQL before 8.0.42; Percona Server before 8.0.27-18).</li>
 *   <li>with {@code snapshotConnections(n)}: the snapshots need an instant with no commit in flight; see
 *       {@link LogStatus#capture} (a one-second-bounded FTWRL with RELOAD, else two identical reads).</li>
 *   <li>close: {@code UNLOCK INSTANCE}.</li>
 * </ol>
 *
 * <p>Only InnoDB data is consistent at those coordinates: the lock does not stop writes to MyISAM,
 * MEMORY, CSV or ARCHIVE tables. Before locking, the strategy looks for such user tables
 * ({@code information_schema.TABLES}, system schemas excluded). Under {@code auto} it then steps aside
 * (Percona backup locks or FTWRL take over); named explicitly it fails with the list, unless
 * {@link #ACCEPT_NON_TRANSACTIONAL_TABLES} says the caller does not need them consistent.
 *
 * <p>Privileges: BACKUP_ADMIN (the lock and log_status), SELECT on {@code *.*} (information_schema shows
 * an account only the tables it can read, and every table's engine must be seen), and REPLICATION SLAVE
 * where the reads must be verified.
 */
public final class InstanceLockStrategy implements LockStrategy {

    public static final String NAME = "mysql-instance-lock";

    /**
     * Use the instance lock even though non-InnoDB user tables exist (they will not be consistent with
     * the coordinates). Default false.
     */
    public static final StrategyOption<Boolean> ACCEPT_NON_TRANSACTIONAL_TABLES =
            StrategyOption.of("instance-lock.accept-non-transactional-tables", Boolean.class, false);

    static final String LOCK = "LOCK INSTANCE FOR BACKUP";
    static final String UNLOCK = "UNLOCK INSTANCE";
    static final int LISTED_TABLES = 50;
    static final String NON_TRANSACTIONAL_TABLES =
            "SELECT CONCAT(TABLE_SCHEMA, '.', TABLE_NAME, ' (', ENGINE, ')') AS name"
                    + " FROM information_schema.TABLES WHERE TABLE_TYPE = 'BASE TABLE' AND ENGINE <> 'InnoDB'"
                    + " AND TABLE_SCHEMA NOT IN ('mysql', 'sys', 'performance_schema', 'information_schema', 'ndbinfo')"
                    + " ORDER BY TABLE_SCHEMA, TABLE_NAME LIMIT " + (LISTED_TABLES + 1);

    /**
     * Highest with MariaDB's BACKUP STAGE (servers never overlap): blocks only DDL, never DML, so it
     * ranks above Percona backup locks (40, also block non-InnoDB writes) and FTWRL (10, block all writes).
     */
    static final int PRIORITY = 50;

    private static final Logger LOG = LoggerFactory.getLogger(InstanceLockStrategy.class);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return PRIORITY;
    }

    @Override
    public Support supports(ServerInfo server) {
        if (server.flavor() == Flavor.MARIADB) {
            return Support.no("MariaDB has no LOCK INSTANCE FOR BACKUP (it has BACKUP STAGE)");
        }
        if (!server.hasInstanceLock()) {
            return Support.no("LOCK INSTANCE FOR BACKUP needs MySQL 8.0 or later, this is " + server.describe());
        }
        if (server.binaryLogEnabled() && !server.hasLogStatus()) {
            return Support.no("coordinates come from performance_schema.log_status, which needs 8.0.11 or later");
        }
        if (server.galera().map(g -> !g.backupLocksPauseTheNode()).orElse(false)) {
            return Support.no(
                    "on a Galera node LOCK INSTANCE FOR BACKUP neither desyncs nor pauses the node: its coordinates"
                            + " could not carry the Galera position, a DDL from another node would wait in this node's applier, and an"
                            + " FTWRL for snapshots after it can deadlock with that DDL (PXC-4799); ftwrl desyncs and pauses the node");
        }
        return Support.yes();
    }

    @Override
    public List<PrivilegeRequirement> requiredPrivileges(ServerInfo server) {
        List<PrivilegeRequirement> r = new ArrayList<>();
        r.add(PrivilegeRequirement.of(Privilege.BACKUP_ADMIN, LOCK + " and performance_schema.log_status"));
        r.addAll(LogStatus.requirements(server));
        return r;
    }

    @Override
    public Support inspect(InspectContext context) {
        ServerInfo server = context.server();
        BackupOptions options = context.options();
        Sql sql = context.sql();
        // information_schema.TABLES lists only what the account may read: without SELECT on *.* a MyISAM table could
        // hide.
        if (!server.has(Privilege.SELECT) && !options.get(ACCEPT_NON_TRANSACTIONAL_TABLES)) {
            return Support.no(server.privileges().account()
                    + " lacks SELECT on *.*, so information_schema.TABLES hides the tables it cannot"
                    + " read and quiesce cannot prove every user table is InnoDB (" + LOCK
                    + " does not stop writes to the others)."
                    + " GRANT SELECT ON *.* to the account, or set " + ACCEPT_NON_TRANSACTIONAL_TABLES.name()
                    + " if that is known");
        }
        List<String> tables = sql.rows(NON_TRANSACTIONAL_TABLES).stream()
                .map(row -> row.get("name"))
                .toList();
        if (!tables.isEmpty()) {
            String list = describe(tables);
            if (!options.get(ACCEPT_NON_TRANSACTIONAL_TABLES)) {
                return Support.no("non-InnoDB user tables exist, and " + LOCK + " does not stop writes to them: " + list
                        + ". Convert them to InnoDB, use a strategy that blocks them (percona-backup-locks, ftwrl), or set "
                        + ACCEPT_NON_TRANSACTIONAL_TABLES.name() + " if they need not be consistent");
            }
            LOG.warn(
                    "quiesce: {} on {}: these non-InnoDB tables will NOT be consistent with the coordinates ({} is set): {}",
                    LOCK,
                    server,
                    ACCEPT_NON_TRANSACTIONAL_TABLES.name(),
                    list);
        }
        return LogStatus.readable(sql, server);
    }

    private static String describe(List<String> tables) {
        if (tables.size() <= LISTED_TABLES) {
            return String.join(", ", tables);
        }
        return String.join(", ", tables.subList(0, LISTED_TABLES)) + " and more";
    }

    @Override
    public void acquire(LockContext context) {
        context.sql().execute(LOCK);
        context.onRelease(UNLOCK, s -> s.execute(UNLOCK));
    }

    @Override
    public BinlogCoordinates captureCoordinates(LockContext context) {
        return LogStatus.capture(context);
    }
}
