package io.github.quiesce.backupstage;

import io.github.quiesce.BinlogCoordinates;
import io.github.quiesce.GaleraNode;
import io.github.quiesce.Privilege;
import io.github.quiesce.ServerInfo;
import io.github.quiesce.spi.LockContext;
import io.github.quiesce.spi.LockStrategy;
import io.github.quiesce.spi.PrivilegeRequirement;
import io.github.quiesce.spi.RecoverContext;
import io.github.quiesce.spi.Sql;
import io.github.quiesce.spi.Support;
import io.github.quiesce.spi.support.BinaryLogStatus;
import io.github.quiesce.spi.support.Galera;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MariaDB's {@code BACKUP STAGE} (10.4.1+), the stages mariadb-backup walks through. What each blocks,
 * per the MariaDB manual:
 * <ul>
 *   <li>{@code START}: nothing a client notices; blocks purging of redo files for engines that need it
 *       (Aria) and starts logging DDL for the backup.</li>
 *   <li>{@code FLUSH}: flushes and closes non-transactional tables not in use, and blocks new write
 *       locks on non-transactional tables (MyISAM, Aria, CSV, ...) except statistics and log tables.
 *       Does not wait for read-only statements.</li>
 *   <li>{@code BLOCK_DDL}: waits for statements holding write locks on non-transactional tables, then
 *       blocks DDL ({@code CREATE/ALTER/DROP/RENAME/TRUNCATE}). InnoDB DML keeps committing.</li>
 *   <li>{@code BLOCK_COMMIT}: blocks every commit (and binary log writes); active transactions keep
 *       running up to their commit.</li>
 *   <li>{@code END}: releases everything.</li>
 * </ul>
 *
 * <p>Sequence on the session's connection: open runs {@code START}, {@code FLUSH}, {@code BLOCK_DDL}
 * (the caller may copy files: DDL and non-transactional writes are stopped, InnoDB is copied with its
 * redo log). {@code coordinates()} runs {@code BLOCK_COMMIT}, then {@code SHOW MASTER STATUS} (10.5.2+:
 * {@code SHOW BINLOG STATUS}) and {@code SELECT @@GLOBAL.gtid_binlog_pos}, and opens the caller's snapshot
 * transactions. Close runs {@code END}.
 *
 * <p>Stages only move forward: from {@code coordinates()} to close, commits are blocked. Read the
 * coordinates last (after the copy, as mariadb-backup does) or, for logical dumps, take
 * {@code snapshotConnections(n)} and close the session at once: the snapshots stay valid.
 *
 * <p>On a Galera node (MariaDB with MDEV-23080: 10.4.22, 10.5.13, 10.6.5 and later) {@code BLOCK_DDL} desyncs
 * and pauses the node by itself: from then until {@code END} the node applies nothing and commits nothing,
 * its own clients' writes included (the rest of the cluster goes on), and its {@code wsrep_last_committed}
 * under {@code BLOCK_COMMIT} matches the data. On older versions the session desyncs the node itself before
 * {@code START}. Every stage is cancelled past {@code acquireTimeout} there.
 *
 * <p>Privileges: RELOAD (BACKUP STAGE), and BINLOG MONITOR (REPLICATION CLIENT before 10.5) or SUPER for
 * the binary log status.
 */
public final class BackupStageStrategy implements LockStrategy {

    public static final String NAME = "mariadb-backup-stage";

    static final String START = "BACKUP STAGE START";
    static final String FLUSH = "BACKUP STAGE FLUSH";
    static final String BLOCK_DDL = "BACKUP STAGE BLOCK_DDL";
    static final String BLOCK_COMMIT = "BACKUP STAGE BLOCK_COMMIT";
    static final String END = "BACKUP STAGE END";

    /**
     * Same rank as MySQL's instance lock (they never meet on one server): until coordinates are read it
     * blocks only DDL and non-transactional writes, so above FTWRL (10), which blocks every write.
     */
    static final int PRIORITY = 50;

    private static final Logger LOG = LoggerFactory.getLogger(BackupStageStrategy.class);

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
        if (!server.isMariaDb()) {
            return Support.no("BACKUP STAGE exists only on MariaDB, this is " + server.describe());
        }
        if (!server.hasBackupStage()) {
            return Support.no("BACKUP STAGE needs MariaDB 10.4.1 or later, this is " + server.describe());
        }
        return Support.yes();
    }

    @Override
    public List<PrivilegeRequirement> requiredPrivileges(ServerInfo server) {
        List<PrivilegeRequirement> r = new ArrayList<>();
        r.add(PrivilegeRequirement.of(Privilege.RELOAD, "BACKUP STAGE"));
        r.addAll(BinaryLogStatus.requirements(server));
        r.addAll(Galera.requirements(server, desyncsByItself(server)));
        return r;
    }

    @Override
    public void acquire(LockContext context) {
        // Before START: a node the server does not desync for BACKUP STAGE is desynced here, never under a stage.
        Galera.beforeLock(context, desyncsByItself(context.server()));
        // Each bounded by acquireTimeout on a Galera node (plain statements elsewhere, bounded by lock_wait_timeout).
        Galera.executeLock(context, START);
        context.onRelease(END, s -> s.execute(END));
        Galera.executeLock(context, FLUSH);
        Galera.executeLock(context, BLOCK_DDL);
    }

    private static boolean desyncsByItself(ServerInfo server) {
        return server.galera().map(GaleraNode::backupStageDesyncsAndPauses).orElse(true);
    }

    /** After a crash of a session that desynced a Galera node itself: {@code wsrep_desync} back OFF. */
    @Override
    public List<String> recover(RecoverContext context) {
        return Galera.recover(context);
    }

    @Override
    public BinlogCoordinates captureCoordinates(LockContext context) {
        Sql sql = context.sql();
        Galera.executeLock(context, BLOCK_COMMIT);
        LOG.debug(
                "quiesce: commits on {} are blocked from now until the session closes (BACKUP STAGE cannot step back)",
                context.server());
        BinlogCoordinates c = BinaryLogStatus.read(sql, context.server());
        context.snapshots().open();
        return c;
    }
}
