package io.github.quiesce.ftwrl;

import io.github.quiesce.BinlogCoordinates;
import io.github.quiesce.GaleraNode;
import io.github.quiesce.Privilege;
import io.github.quiesce.ServerInfo;
import io.github.quiesce.spi.LockContext;
import io.github.quiesce.spi.LockStrategy;
import io.github.quiesce.spi.PrivilegeRequirement;
import io.github.quiesce.spi.RecoverContext;
import io.github.quiesce.spi.Support;
import io.github.quiesce.spi.support.BinaryLogStatus;
import io.github.quiesce.spi.support.FlushingLock;
import io.github.quiesce.spi.support.Galera;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code FLUSH TABLES WITH READ LOCK}: a global read lock that every MySQL-family server has.
 *
 * <p>Sequence on the session's connection:
 * <ol>
 *   <li>the long-query guard ({@code BackupOptions.longQueryGuard}): while a statement has run for
 *       1 s or more, wait (up to 30 s by default), then fail naming it. Either flush below would queue
 *       behind it, and FTWRL would hold every writer meanwhile.</li>
 *   <li>{@code FLUSH NO_WRITE_TO_BINLOG TABLES} — closes open tables first without blocking writers,
 *       so the global lock below has less to flush and is held for less time (XtraBackup and MySQL
 *       Shell do the same). Not replicated: {@code NO_WRITE_TO_BINLOG}.</li>
 *   <li>{@code FLUSH TABLES WITH READ LOCK} — from here every write on the server waits. Either flush
 *       still waiting after {@code acquireTimeout} (1 s) is cancelled from a second connection and the
 *       attempt is retried, up to {@code acquireRetries} (3) times: see {@code FlushingLock}.</li>
 *   <li>on {@code coordinates()}: {@code SHOW MASTER STATUS} (8.2+: {@code SHOW BINARY LOG STATUS}),
 *       plus {@code SELECT @@GLOBAL.gtid_binlog_pos} on MariaDB; snapshot transactions, if asked for,
 *       are opened here too (no commit can land while the lock is held).</li>
 *   <li>on close: {@code UNLOCK TABLES}.</li>
 * </ol>
 * On a Galera node FTWRL desyncs and pauses the node by itself (the cluster goes on without it, and its
 * {@code wsrep_last_committed} stands still under the lock, so the coordinates carry it); quiesce first waits
 * for the node to be Synced ({@code GaleraGuard}), and after the release for it to be Synced again.
 * It blocks all writes, so it ranks lowest among the strategies that take a lock. Needs RELOAD, and
 * REPLICATION CLIENT (MariaDB: BINLOG MONITOR) or SUPER to read the binary log status.
 */
public final class FtwrlStrategy implements LockStrategy {

    public static final String NAME = "ftwrl";

    static final String PRE_FLUSH = FlushingLock.PRE_FLUSH;
    static final String LOCK = FlushingLock.FTWRL;
    static final String UNLOCK = FlushingLock.UNLOCK_TABLES;

    /** Lowest of the lock-taking strategies: it stops every writer on the server while held. */
    static final int PRIORITY = 10;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Support supports(ServerInfo server) {
        return Support.yes();
    }

    @Override
    public int priority() {
        return PRIORITY;
    }

    @Override
    public List<PrivilegeRequirement> requiredPrivileges(ServerInfo server) {
        List<PrivilegeRequirement> r = new ArrayList<>();
        r.add(PrivilegeRequirement.of(Privilege.RELOAD, LOCK));
        r.addAll(BinaryLogStatus.requirements(server));
        r.addAll(Galera.requirements(server, desyncsByItself(server)));
        return r;
    }

    @Override
    public void acquire(LockContext context) {
        // On a Galera node FTWRL desyncs and pauses the node itself; explicitly only with GaleraDesync.ALWAYS.
        Galera.beforeLock(context, desyncsByItself(context.server()));
        // Both flushes mark tables in use for closing; behind a long statement that freezes writers.
        FlushingLock.globalReadLock(context);
    }

    private static boolean desyncsByItself(ServerInfo server) {
        return server.galera().map(GaleraNode::globalReadLockDesyncsAndPauses).orElse(true);
    }

    /** After a crash under {@code GaleraDesync.ALWAYS}: {@code wsrep_desync} back OFF. */
    @Override
    public List<String> recover(RecoverContext context) {
        return Galera.recover(context);
    }

    @Override
    public BinlogCoordinates captureCoordinates(LockContext context) {
        BinlogCoordinates c = BinaryLogStatus.read(context.sql(), context.server());
        context.snapshots().open();
        return c;
    }
}
