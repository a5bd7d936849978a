package io.github.quiesce.tablelocks;

import io.github.quiesce.BackupException;
import io.github.quiesce.BackupOptions;
import io.github.quiesce.BinlogCoordinates;
import io.github.quiesce.CoordinatesUnavailableException;
import io.github.quiesce.LockAcquisitionException;
import io.github.quiesce.LockLostException;
import io.github.quiesce.Privilege;
import io.github.quiesce.ServerInfo;
import io.github.quiesce.StrategyOption;
import io.github.quiesce.spi.LockContext;
import io.github.quiesce.spi.LockStrategy;
import io.github.quiesce.spi.PrivilegeRequirement;
import io.github.quiesce.spi.Snapshots;
import io.github.quiesce.spi.Sql;
import io.github.quiesce.spi.Support;
import io.github.quiesce.spi.support.BinaryLogStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code LOCK TABLES ... READ} on every table that holds rows, for an account that may not run
 * {@code FLUSH TABLES WITH READ LOCK}, {@code LOCK INSTANCE FOR BACKUP} or {@code BACKUP STAGE}: the
 * master user of Amazon RDS and Aurora, Google Cloud SQL and Azure (no SUPER, no BACKUP_ADMIN, and on RDS
 * FTWRL refused with 1045 although RELOAD is listed). mydumper's {@code LOCK_ALL}, MySQL Shell's dump
 * without RELOAD, Vitess and Debezium fall back to the same lock there.
 *
 * <p>Sequence:
 * <ol>
 *   <li>the writer guard ({@link WriterGuard}): while an InnoDB write transaction or a writing statement has
 *       been open {@code longQueryGuard}'s threshold, wait (up to its timeout). SELECTs are never waited for:
 *       the lock does not conflict with them.</li>
 *   <li>{@code SELECT ... FROM information_schema.TABLES}: every base table (MariaDB: also system-versioned
 *       tables and sequences) outside mysql, sys, performance_schema, information_schema; views skipped.</li>
 *   <li>{@code SET SESSION lock_wait_timeout = ?} (the acquire timeout in whole seconds, or {@code lockWaitTimeout}
 *       where that is shorter: the caller's bound on every lock statement; a timeout of the caller's own bound
 *       fails the session at once, as it does for every other strategy) and
 *       {@code LOCK TABLES `s`.`t` READ, ...}: one statement if it fits in half of {@code max_allowed_packet}
 *       (or {@link #MAX_STATEMENT_BYTES}), else one per held connection, all held at once. The whole set must
 *       be locked within {@code acquireTimeout}, else every part is cancelled ({@code KILL QUERY}), released
 *       with {@code UNLOCK TABLES} and the attempt retried after the same pause, up to {@code acquireRetries}
 *       times: while it waits behind a writer, the tables it holds and the one it waits for take no new writer.</li>
 *   <li>the same list again, under the lock: a table that was not locked (created after the list was read)
 *       releases everything and the attempt is retried.</li>
 *   <li>{@code coordinates()}: the binary log status (file, position, GTID set) read, the snapshot
 *       connections opened, the status read again; and on MySQL with GTIDs, once more 20 ms later, so that a
 *       commit already written to the log whose GTID is not yet in {@code gtid_executed} shows. Any change
 *       discards the snapshots and tries again (up to {@link #QUIET_TIMEOUT}). Then the list once more:
 *       a table not under the lock refuses the session (no point is handed out), and each held connection
 *       must still be the one that took its lock.</li>
 *   <li>close: {@code UNLOCK TABLES} on every connection, newest first; held connections are ended.</li>
 * </ol>
 *
 * <p><b>Why the point is exact.</b> {@code LOCK TABLES ... READ} takes a SHARED_READ_ONLY metadata lock on each
 * table, which waits for every transaction holding a write lock on it (SHARED_WRITE, held until its commit
 * has completed) and admits none after. Once all tables are locked, no transaction on them is in flight, so the
 * InnoDB data of every table is the data at the binary log position, and snapshots opened while it is held see
 * exactly that. What the lock does not cover can still write to the log: the mysql schema (accounts, grants),
 * CREATE DATABASE, views, routines, temporary tables under statement-based logging, tables created after the
 * list. Hence the two (three) equal reads around the snapshots and the final check of the table list.
 *
 * <p><b>The mysql schema is not locked</b>: on MySQL 8 its data-dictionary tables cannot be locked at all; READ
 * locks on its other tables would stall the server's own writers (InnoDB persistent statistics,
 * {@code mysql.gtid_executed} compression, a MariaDB replica's {@code mysql.gtid_slave_pos}, a cloud provider's
 * heartbeat and {@code rds_*} tables) and every account change; and a cloud master user may not read all of it.
 * A change to it during the capture moves the log, and the capture reads again; one that commits while the
 * session is held after that is not blocked. Dump accounts with {@code SHOW GRANTS} (as MySQL Shell does) rather
 * than from the mysql tables of the copy.
 *
 * <p><b>Limits.</b> Non-transactional tables (MyISAM, MEMORY, CSV, ARIA): writes to them wait while the lock is
 * held, but snapshot connections do not isolate them, so copy them before {@code close()}. DDL the lock cannot see:
 * CREATE TABLE (caught by the checks until {@code coordinates()} returns; a table created after that, and writes to
 * it, are not blocked, so a file-level copy made while the session is still held may contain them: copy through
 * snapshot connections, or read the coordinates last), CREATE DATABASE, CREATE VIEW / PROCEDURE / EVENT, and
 * account management. Every table is opened at once, so on a server with very many tables the lock costs more
 * than {@code FLUSH TABLES WITH READ LOCK}; it does not flush them.
 *
 * <p>Privileges: LOCK TABLES and SELECT on {@code *.*} (LOCK TABLES needs SELECT on each table, and
 * information_schema lists only the tables the account may read), REPLICATION CLIENT / BINLOG MONITOR or
 * SUPER for the binary log status; PROCESS lets the guard see other accounts' transactions (WARN without).
 */
public final class TableLocksStrategy implements LockStrategy {

    public static final String NAME = "table-locks";

    /**
     * The longest lock statement, in bytes; 0 (default): half of the server's {@code max_allowed_packet}, between
     * 64 KiB and 16 MiB. More tables than fit are locked over further connections held at the same time.
     */
    public static final StrategyOption<Long> MAX_STATEMENT_BYTES =
            StrategyOption.of("table-locks.max-statement-bytes", Long.class, 0L);

    /** How long {@code coordinates()} may look for two equal reads of the binary log status around the snapshots. */
    public static final StrategyOption<Duration> QUIET_TIMEOUT =
            StrategyOption.of("table-locks.quiet-timeout", Duration.class, Duration.ofSeconds(10));

    /**
     * For this module's tests only: whether {@code coordinates()} checks that no table exists outside the locked
     * set. Turning it off is what lets the test show the check is what refuses a table that slipped in.
     */
    static final StrategyOption<Boolean> CHECK_TABLE_SET =
            StrategyOption.of("table-locks.check-table-set", Boolean.class, true);

    /** In logs and events. */
    static final String LOCK = "LOCK TABLES ... READ";

    /**
     * Above {@code ftwrl} (10), below every lock that never blocks DML (instance lock, backup stage: 50; backup
     * locks: 40). It blocks the same writes as FTWRL (every table that holds rows) but waits for no SELECT and
     * flushes nothing, so a long query does not pile writers up behind it; where it cannot run (a table created
     * while it locks, a long write transaction past the guard) FTWRL remains the fallback under {@code auto}.
     */
    static final int PRIORITY = 20;

    /** One statement per connection: more would be a catalogue no max_allowed_packet fits. */
    static final int MAX_CONNECTIONS = 64;
    /** Longer than a group commit's sync and commit stages, between a transaction reaching the log and its GTID reaching gtid_executed. */
    static final long SETTLE_MILLIS = 20;

    private static final long DEFAULT_STATEMENT_BYTES = 1L << 20;
    private static final long MIN_STATEMENT_BYTES = 64L << 10;
    private static final long MAX_DERIVED_STATEMENT_BYTES = 16L << 20;
    private static final int LISTED = 10;

    private static final Logger LOG = LoggerFactory.getLogger(TableLocksStrategy.class);

    /**
     * What a held session locked, from acquire to {@code coordinates()} (which takes it out: it runs at most once),
     * keyed by the session's context (identity). The strategy keeps no other state; ServiceLoader makes a new
     * instance for every session, so an entry of a session that never read its coordinates goes with it.
     */
    private final Map<LockContext, Held> held = Collections.synchronizedMap(new WeakHashMap<>());

    /** The tables one session locked and the connections holding them (index 0: the session's own). */
    private record Held(TableSet tables, LockConnections connections) {}

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
        if (server.galera().map(g -> !g.tableLocksPauseTheNode()).orElse(false)) {
            return Support.no(
                    "on a Galera node LOCK TABLES ... READ neither desyncs nor pauses the node: its applier stops at the"
                            + " first replicated write to a locked table and flow control stalls the whole cluster while the locks are held"
                            + " (and PXC's pxc_strict_mode=ENFORCING refuses them); ftwrl desyncs and pauses the node");
        }
        return Support.yes();
    }

    @Override
    public Set<String> serverVariables() {
        return Set.of("max_allowed_packet");
    }

    @Override
    public List<PrivilegeRequirement> requiredPrivileges(ServerInfo server) {
        List<PrivilegeRequirement> r = new ArrayList<>();
        r.add(PrivilegeRequirement.of(Privilege.LOCK_TABLES, "LOCK TABLES ... READ"));
        r.add(PrivilegeRequirement.of(
                Privilege.SELECT,
                "LOCK TABLES ... READ on every table, and information_schema.TABLES to list them all"));
        r.addAll(BinaryLogStatus.requirements(server));
        return r;
    }

    @Override
    public void acquire(LockContext context) {
        Sql sql = context.sql();
        BackupOptions options = context.options();
        Duration timeout = options.acquireTimeout();
        long acquireSeconds = Math.max(1, (timeout.toMillis() + 999) / 1000);
        long maxBytes = maxStatementBytes(context);
        int attempts = 1 + options.acquireRetries();
        LockConnections connections = new LockConnections(context, acquireSeconds, options.lockWaitTimeoutSeconds());
        try {
            for (int attempt = 1; ; attempt++) {
                WriterGuard.awaitNone(context, LOCK);
                TableSet tables = TableSet.read(sql);
                List<String> statements = Statements.lockStatements(tables.clauses(), maxBytes);
                if (statements.size() > MAX_CONNECTIONS) {
                    throw new LockAcquisitionException("Locking the " + tables.size() + " tables of " + context.server()
                            + " in statements of"
                            + " at most " + maxBytes + " bytes takes " + statements.size() + " connections, more than "
                            + MAX_CONNECTIONS
                            + "; raise max_allowed_packet or " + MAX_STATEMENT_BYTES.name() + ". Nothing is locked.");
                }
                connections.ensure(statements.size());
                String failure = connections.lockAll(statements, timeout);
                if (failure == null) {
                    Set<String> added = tables.addedIn(TableSet.read(sql));
                    if (added.isEmpty()) {
                        held.put(context, new Held(tables, connections));
                        logLocked(context, tables, statements.size());
                        return;
                    }
                    connections.unlockAll();
                    failure = "table(s) created after the list was read, which the lock does not cover: "
                            + TableSet.describe(added, LISTED);
                }
                if (attempt >= attempts) {
                    throw new LockAcquisitionException("Did not take " + LOCK + " on " + context.server() + " in "
                            + attempts + " attempt(s); the last: " + failure
                            + ". Nothing is locked. Retry, or raise acquireTimeout / acquireRetries.");
                }
                LOG.warn(
                        "quiesce: {} on {}: {} (attempt {} of {}); released, trying again in {} ms",
                        LOCK,
                        context.server(),
                        failure,
                        attempt,
                        attempts,
                        timeout.toMillis());
                pause(timeout);
            }
        } finally {
            connections.restoreLockWaitTimeout(options.lockWaitTimeoutSeconds());
        }
    }

    private static void logLocked(LockContext context, TableSet tables, int statements) {
        LOG.debug(
                "quiesce: {} holds {} tables on {} over {} connection(s)",
                LOCK,
                tables.size(),
                context.server(),
                statements);
        if (!tables.nonTransactional().isEmpty()) {
            LOG.info(
                    "quiesce: {} on {}: writes to these non-transactional tables wait while it is held, but snapshot connections do"
                            + " not isolate them: copy them before close(): {}",
                    LOCK,
                    context.server(),
                    TableSet.describe(tables.nonTransactional(), LISTED));
        }
    }

    private static long maxStatementBytes(LockContext context) {
        long set = context.options().get(MAX_STATEMENT_BYTES);
        if (set > 0) {
            return set;
        }
        String packet = context.server().variable("max_allowed_packet").orElse("");
        if (!packet.matches("\\d{1,12}")) {
            return DEFAULT_STATEMENT_BYTES;
        }
        return Math.max(MIN_STATEMENT_BYTES, Math.min(MAX_DERIVED_STATEMENT_BYTES, Long.parseLong(packet) / 2));
    }

    @Override
    public BinlogCoordinates captureCoordinates(LockContext context) {
        Held session = held.remove(context);
        if (session == null) {
            throw new IllegalStateException("coordinates() of '" + NAME + "' before its lock was taken");
        }
        Sql sql = context.sql();
        ServerInfo server = context.server();
        Snapshots snapshots = context.snapshots();
        long deadline = System.nanoTime() + context.options().get(QUIET_TIMEOUT).toNanos();
        int attempts = 0;
        while (true) {
            attempts++;
            BinlogCoordinates before = BinaryLogStatus.read(sql, server);
            snapshots.open();
            BinlogCoordinates after = BinaryLogStatus.read(sql, server);
            String moved = samePoint(before, after)
                    ? settled(sql, server, before)
                    : "it moved from " + before + " to " + after;
            if (moved == null) {
                if (context.options().get(CHECK_TABLE_SET)) {
                    refuseTablesOutsideTheLock(context, session.tables());
                }
                session.connections().requireAlive();
                LOG.debug(
                        "quiesce: {} on {}: {} snapshot(s) opened at {} (attempt {})",
                        LOCK,
                        server,
                        snapshots.requested(),
                        before,
                        attempts);
                return before;
            }
            snapshots.discard();
            if (System.nanoTime() > deadline) {
                throw new CoordinatesUnavailableException(
                        "The binary log status of " + server + " did not stay the same around the opening of "
                                + snapshots.requested() + " snapshot(s) under " + LOCK + " in " + attempts
                                + " attempts (last: " + moved + "):"
                                + " something the table locks do not cover keeps writing to the log (the mysql schema, a table created since,"
                                + " temporary tables under statement-based logging). Coordinates that may not match the data are never given;"
                                + " retry, or raise " + QUIET_TIMEOUT.name() + ".");
            }
        }
    }

    /**
     * With MySQL GTIDs a transaction is written to the log before its GTID joins gtid_executed; the lock keeps
     * every locked table's transactions out, but not those on what it does not cover. A read
     * {@link #SETTLE_MILLIS} later that still equals the first shows none was between the two.
     */
    private static String settled(Sql sql, ServerInfo server, BinlogCoordinates first) {
        if (!server.usesMysqlGtids() || !server.gtidEnabled()) {
            return null;
        }
        try {
            Thread.sleep(SETTLE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CoordinatesUnavailableException("Interrupted while reading the binary log status of " + server);
        }
        BinlogCoordinates later = BinaryLogStatus.read(sql, server);
        return samePoint(first, later)
                ? null
                : "it changed from " + first + " to " + later + " within " + SETTLE_MILLIS + " ms";
    }

    private static void refuseTablesOutsideTheLock(LockContext context, TableSet locked) {
        Set<String> added = locked.addedIn(TableSet.read(context.sql()));
        if (!added.isEmpty()) {
            throw new CoordinatesUnavailableException(
                    "Refused: " + added.size() + " table(s) on " + context.server() + " are not under "
                            + LOCK + " (created after the tables were locked): " + TableSet.describe(added, LISTED)
                            + ". Writes to them are not"
                            + " blocked, so no point that matches the data can be given. Open the session again.");
        }
    }

    /** The same server prints the same set the same way, so equal text is an equal set (and any change shows). */
    private static boolean samePoint(BinlogCoordinates a, BinlogCoordinates b) {
        return a.file().equals(b.file())
                && a.position() == b.position()
                && a.gtidSet().equals(b.gtidSet());
    }

    /** Lets the writers that queued behind the released attempt through before the next one. */
    private static void pause(Duration timeout) {
        try {
            Thread.sleep(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LockAcquisitionException("Interrupted between attempts at " + LOCK);
        }
    }

    /** For {@link LockConnections#requireAlive}: a held connection that is not what it was has lost its locks. */
    static LockLostException lost(String what, LockContext context, BackupException cause) {
        return new LockLostException(
                what + " on " + context.server()
                        + ": the tables it locked were released at a moment nobody knows, so no"
                        + " point is given. Discard what was copied and open the session again.",
                cause);
    }
}
