package io.github.quiesce.readonly;

import io.github.quiesce.BackupException;
import io.github.quiesce.BackupOptions;
import io.github.quiesce.BinlogCoordinates;
import io.github.quiesce.GaleraNode;
import io.github.quiesce.Privilege;
import io.github.quiesce.ServerInfo;
import io.github.quiesce.StrategyOption;
import io.github.quiesce.spi.InspectContext;
import io.github.quiesce.spi.LockContext;
import io.github.quiesce.spi.LockStrategy;
import io.github.quiesce.spi.PrivilegeRequirement;
import io.github.quiesce.spi.RecoverContext;
import io.github.quiesce.spi.Sql;
import io.github.quiesce.spi.Support;
import io.github.quiesce.spi.support.BinaryLogStatus;
import io.github.quiesce.spi.support.FlushingLock;
import io.github.quiesce.spi.support.Galera;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MySQL manual's "back up a replica by making it read only": {@code FLUSH TABLES WITH READ LOCK},
 * {@code SET GLOBAL read_only = ON}, back up, then put both back. On a replica it stops the replica
 * applying (its data and coordinates stay fixed) while the source runs on; the replica catches up
 * afterwards. On a source every client write waits, so it needs {@link #ALLOW_ON_SOURCE}.
 *
 * <p>It changes global state, so {@code auto} never picks it. What it changes it first writes to the
 * session's journal (see {@code BackupOptions.journalDirectory}), so that {@code BackupSession.recover}
 * can put it back if the process dies while holding it; where the server can run it, it also leaves a
 * server-side guard ({@link ServerGuard}, an {@code EVENT}) that puts it back by itself within about a
 * second of the lock connection ending, so a killed process needs no call at all. It changes only what needs changing:
 * {@code read_only} only when it was OFF (a replica that was ON, or {@code super_read_only=ON}, is
 * left alone, so no restore can turn {@code super_read_only} off as a side effect), and the SQL thread
 * only when asked and when it was running.
 *
 * <p>Sequence: [guard: {@code CREATE EVENT} with {@code sql_log_bin = 0}, lock connection's {@code wait_timeout}] →
 * [{@code STOP REPLICA SQL_THREAD} ({@code SLAVE} before MySQL 8.0.22 / MariaDB 10.5.1), wait for 0 open temporary tables] → long-query guard,
 * {@code FLUSH NO_WRITE_TO_BINLOG TABLES}, {@code FLUSH TABLES WITH READ LOCK} → [{@code SET GLOBAL
 * read_only = ON}] → at {@code coordinates()}: the replica's own binary log status and, on a replica,
 * its source's coordinates ({@code SHOW SLAVE STATUS}, MariaDB {@code @@gtid_slave_pos} once the applier has
 * settled) → close:
 * [{@code SET GLOBAL read_only = OFF}], {@code UNLOCK TABLES}, [{@code START REPLICA SQL_THREAD}], [{@code DROP EVENT}].
 */
public final class ReadOnlyStrategy implements LockStrategy {

    public static final String NAME = "read-only";

    /** Allow it on a server that is not a replica, where every client write then waits. */
    public static final StrategyOption<Boolean> ALLOW_ON_SOURCE =
            StrategyOption.of("read-only.allow-on-source", Boolean.class, false);
    /**
     * XtraBackup's {@code --safe-slave-backup}: stop the SQL thread first and wait for its temporary tables to
     * close. On a MySQL replica with parallel workers it is what makes the source position exact (see
     * {@link SettledApplier}); one source only.
     */
    public static final StrategyOption<Boolean> STOP_REPLICA_SQL_THREAD =
            StrategyOption.of("read-only.stop-replica-sql-thread", Boolean.class, false);
    /**
     * Leave the server-side guard (an {@code EVENT}, see {@link ServerGuard}) where the server can run it
     * ({@code event_scheduler=ON}, the {@code EVENT} privilege). Without it, a process killed while it holds
     * the session leaves the server changed until {@code BackupSession.recover} runs.
     */
    public static final StrategyOption<Boolean> SERVER_GUARD =
            StrategyOption.of("read-only.server-guard", Boolean.class, true);
    /** How long to wait for the replica's open temporary tables to reach 0 after stopping the SQL thread. */
    public static final StrategyOption<Duration> TEMP_TABLES_TIMEOUT =
            StrategyOption.of("read-only.temp-tables-timeout", Duration.class, Duration.ofSeconds(60));

    /**
     * How long, under the lock, to wait for a replica's serial applier to finish recording its last commit
     * before its source coordinates are read (see {@link SettledApplier}); usually under a millisecond.
     */
    public static final StrategyOption<Duration> APPLIER_SETTLE_TIMEOUT =
            StrategyOption.of("read-only.applier-settle-timeout", Duration.class, Duration.ofSeconds(5));

    static final String READ_ONLY_STATE = "SELECT @@GLOBAL.read_only AS read_only";
    /** Both in one round trip; MariaDB has no super_read_only. */
    static final String BOTH_STATES =
            "SELECT @@GLOBAL.read_only AS read_only, @@GLOBAL.super_read_only AS super_read_only";

    static final String READ_ONLY_ON = "SET GLOBAL read_only = ON";
    static final String READ_ONLY_OFF = "SET GLOBAL read_only = OFF";
    /** MySQL 8.0.22+ and MariaDB 10.5.1+ spell it REPLICA (8.4 dropped SLAVE); older servers only know SLAVE. */
    static final String STOP_SQL_THREAD = "STOP REPLICA SQL_THREAD";

    static final String START_SQL_THREAD = "START REPLICA SQL_THREAD";
    static final String STOP_SQL_THREAD_OLD = "STOP SLAVE SQL_THREAD";
    static final String START_SQL_THREAD_OLD = "START SLAVE SQL_THREAD";
    static final String OPEN_TEMP_TABLES =
            "SHOW GLOBAL STATUS WHERE Variable_name IN ('Slave_open_temp_tables', 'Replica_open_temp_tables')";
    static final String GTID_SLAVE_POS = "SELECT @@GLOBAL.gtid_slave_pos";

    /** Journal keys: what recover() needs to put back. */
    static final String J_READ_ONLY_CHANGED = "read_only.changed";

    static final String J_SQL_THREAD_STOPPED = "sql_thread.stopped";
    /** The server-side guard's qualified name, when one is created. */
    static final String J_GUARD = "guard.event";

    static final String EVENT_SCHEDULER = "event_scheduler";

    /** Never chosen by auto; the rank only orders it among explicit names. */
    static final int PRIORITY = 0;

    private static final Logger LOG = LoggerFactory.getLogger(ReadOnlyStrategy.class);

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

    /** Whether the server-side guard can run at all; whether a replica applies in parallel. */
    @Override
    public Set<String> serverVariables() {
        return Set.of(
                EVENT_SCHEDULER,
                SettledApplier.PARALLEL_THREADS,
                SettledApplier.PARALLEL_WORKERS,
                SettledApplier.PARALLEL_WORKERS_OLD);
    }

    @Override
    public boolean selectableByAuto() {
        return false;
    }

    @Override
    public List<PrivilegeRequirement> requiredPrivileges(ServerInfo server) {
        List<PrivilegeRequirement> r = new ArrayList<>();
        r.add(PrivilegeRequirement.of(Privilege.RELOAD, FlushingLock.FTWRL));
        // Which privilege allows each differs by version (MariaDB split SUPER in 10.5, 10.11 and 11.0): ServerInfo
        // knows.
        r.add(new PrivilegeRequirement(server.readOnlyPrivileges(), READ_ONLY_ON));
        r.add(new PrivilegeRequirement(server.replicaStatusPrivileges(), server.replicaStatusStatement()));
        r.addAll(BinaryLogStatus.requirements(server));
        return r;
    }

    /** Extra privilege only when the SQL thread is to be stopped; checked here because it depends on the options. */
    @Override
    public Support inspect(InspectContext context) {
        ServerInfo server = context.server();
        BackupOptions options = context.options();
        if (!server.replica() && !options.get(ALLOW_ON_SOURCE)) {
            return Support.no(
                    server + " is not a replica: read-only mode would make every client write wait until close."
                            + " To do that on purpose, set ReadOnlyStrategy.ALLOW_ON_SOURCE; nothing was changed");
        }
        if (options.get(STOP_REPLICA_SQL_THREAD)
                && server.replica()
                && !(server.has(Privilege.REPLICATION_SLAVE_ADMIN) || server.has(Privilege.SUPER))) {
            return Support.no("stopping the replica SQL thread needs REPLICATION_SLAVE_ADMIN or SUPER, which "
                    + server.privileges().account() + " lacks");
        }
        if (options.get(STOP_REPLICA_SQL_THREAD) && server.replica()) {
            List<ReplicaStatus> sources = ReplicaStatus.readAll(context.sql(), server);
            if (sources.size() > 1) {
                // STOP/START ... SQL_THREAD without a channel would start channels that were stopped (MySQL) or
                // touch only the default connection (MariaDB); the lock alone already freezes every applier.
                return Support.no(server + " replicates from " + sources.size() + " sources; STOP_REPLICA_SQL_THREAD"
                        + " is supported with one source only. Without it the lock freezes every channel's applier"
                        + " all the same; nothing was changed");
            }
        }
        return Support.yes();
    }

    @Override
    public void acquire(LockContext context) {
        Sql sql = context.sql();
        ServerInfo server = context.server();
        Map<String, String> state =
                sql.firstRow(server.isMariaDb() ? READ_ONLY_STATE : BOTH_STATES).orElseThrow();
        boolean readOnly = isOn(state.get("read_only"));
        boolean superReadOnly = isOn(state.get("super_read_only"));
        boolean stopSqlThread = context.options().get(STOP_REPLICA_SQL_THREAD)
                && ReplicaStatus.read(sql, server)
                        .map(ReplicaStatus::sqlThreadRunning)
                        .orElse(false);
        LOG.debug(
                "quiesce: {} before read-only mode: read_only={}, super_read_only={}, stopping the SQL thread: {}",
                server,
                readOnly,
                superReadOnly,
                stopSqlThread);

        Map<String, String> journal = new LinkedHashMap<>();
        journal.put("read_only.before", String.valueOf(readOnly));
        journal.put("super_read_only.before", String.valueOf(superReadOnly));
        journal.put(J_READ_ONLY_CHANGED, String.valueOf(!readOnly));
        journal.put(J_SQL_THREAD_STOPPED, String.valueOf(stopSqlThread));
        if (stopSqlThread || !readOnly) {
            ServerGuard.Plan plan = new ServerGuard.Plan(!readOnly, stopSqlThread);
            Optional<ServerGuard.Name> guard = guardName(context, superReadOnly);
            guard.ifPresent(g -> journal.put(J_GUARD, g.qualified()));
            context.journal(journal);
            guard.ifPresent(g -> ServerGuard.create(context, g, plan));
        }

        if (stopSqlThread) {
            // Before the lock: STOP REPLICA SQL_THREAD under FTWRL fails on MySQL 8 (error 3857).
            String stop = stopSqlThread(server);
            String start = startSqlThread(server);
            sql.execute(stop);
            context.onReleaseGlobal(start, s -> s.execute(start));
            awaitNoTempTables(context);
        }
        Galera.beforeLock(
                context,
                server.galera().map(GaleraNode::globalReadLockDesyncsAndPauses).orElse(true));
        FlushingLock.globalReadLock(context);
        if (!readOnly) {
            sql.execute(READ_ONLY_ON);
            // Only ever back to OFF, and only because it was OFF (so super_read_only was OFF too).
            context.onReleaseGlobal(READ_ONLY_OFF, s -> s.execute(READ_ONLY_OFF));
        }
    }

    /**
     * The guard's name when one can be created here, else empty after a WARN (DEBUG when switched off by
     * {@link #SERVER_GUARD}). Checked before the journal is written, so the journal names only a guard that is meant to exist.
     */
    private static Optional<ServerGuard.Name> guardName(LockContext context, boolean superReadOnly) {
        ServerInfo server = context.server();
        if (!context.options().get(SERVER_GUARD)) {
            LOG.debug("quiesce: no server-side guard on {}: switched off by ReadOnlyStrategy.SERVER_GUARD", server);
            return Optional.empty();
        }
        String scheduler = server.variable(EVENT_SCHEDULER).orElse("(not reported)");
        if (!"ON".equalsIgnoreCase(scheduler) && !"1".equals(scheduler)) {
            ServerGuard.warnUnavailable(server, "event_scheduler is " + scheduler);
            return Optional.empty();
        }
        if (superReadOnly) {
            ServerGuard.warnUnavailable(server, "super_read_only=ON refuses CREATE EVENT");
            return Optional.empty();
        }
        Optional<Long> boot = ServerGuard.bootTime(context.sql(), server);
        if (boot.isEmpty()) {
            ServerGuard.warnUnavailable(server, "its Uptime (status) cannot be read");
            return Optional.empty();
        }
        return Optional.of(ServerGuard.Name.of(boot.get(), context.connectionId()));
    }

    private static void awaitNoTempTables(LockContext context) {
        Duration timeout = context.options().get(TEMP_TABLES_TIMEOUT);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long open = context.sql().rows(OPEN_TEMP_TABLES).stream()
                    .map(r -> r.get("Value"))
                    .filter(v -> v != null && v.matches("\\d+"))
                    .mapToLong(Long::parseLong)
                    .max()
                    .orElse(0);
            if (open == 0) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new BackupException(
                        "The replica SQL thread on " + context.server() + " was stopped but " + open
                                + " replicated temporary table(s) stayed open for " + timeout.toSeconds()
                                + " s; a backup now would lose them. The SQL thread is restarted; retry later or raise TEMP_TABLES_TIMEOUT.");
            }
            LOG.info("quiesce: waiting for {} replicated temporary table(s) on {} to close", open, context.server());
            ReplicaStatus.restart(context);
        }
    }

    @Override
    public BinlogCoordinates captureCoordinates(LockContext context) {
        Sql sql = context.sql();
        ServerInfo server = context.server();
        BinlogCoordinates own = BinaryLogStatus.read(sql, server);
        List<ReplicaStatus> sources =
                SettledApplier.readAll(sql, server, context.options().get(APPLIER_SETTLE_TIMEOUT));
        // MariaDB's position covers every connection's domains; MySQL's executed set is the same on each row.
        String mariaDbGtids = server.isMariaDb() && !sources.isEmpty() ? sql.scalar(GTID_SLAVE_POS) : "";
        BinlogCoordinates c = sources.isEmpty()
                ? own
                : own.withSources(sources.stream()
                        .map(status -> status.source(
                                server.isMariaDb() ? mariaDbGtids : status.executedGtidSet(),
                                server,
                                SettledApplier.positionExact(server, status)))
                        .toList());
        context.snapshots().open();
        return c;
    }

    /**
     * After a crash: put back what the journal says this strategy changed, reading the server first. The
     * guard, if still there, is dropped first, so that it cannot act at the same time.
     */
    @Override
    public List<String> recover(RecoverContext context) {
        Sql sql = context.sql();
        ServerInfo server = context.server();
        Map<String, String> journal = context.journal();
        List<String> done = new ArrayList<>();
        Optional<String> guard = guard(journal);
        if (guard.isPresent() && ServerGuard.exists(sql, guard.get())) {
            ServerGuard.drop(sql, guard.get());
            done.add(ServerGuard.dropStatement(guard.get()));
        }
        if (readOnlyStillChanged(journal, sql, server)) {
            sql.execute(READ_ONLY_OFF);
            done.add(READ_ONLY_OFF);
        }
        if (sqlThreadStillStopped(journal, sql, server)) {
            sql.execute(startSqlThread(server));
            done.add(startSqlThread(server));
        }
        done.addAll(Galera.recover(context));
        return done;
    }

    /** What a dead session's journal covers that is still changed, the guard included while it is pending. */
    @Override
    public List<String> stillChanged(RecoverContext context) {
        Sql sql = context.sql();
        ServerInfo server = context.server();
        Map<String, String> journal = context.journal();
        List<String> changed = new ArrayList<>();
        if (journal.containsKey(J_GUARD) && guard(journal).isEmpty()) {
            changed.add("a guard the journal names as '" + journal.get(J_GUARD) + "', which is no quiesce guard name");
        }
        guard(journal)
                .filter(g -> ServerGuard.exists(sql, g))
                .ifPresent(g ->
                        changed.add("the server-side guard " + g + " has not run yet (is event_scheduler still ON?)"));
        if (readOnlyStillChanged(journal, sql, server)) {
            changed.add("read_only=ON");
        }
        if (sqlThreadStillStopped(journal, sql, server)) {
            changed.add("the replica SQL thread is stopped");
        }
        return changed;
    }

    private static Optional<String> guard(Map<String, String> journal) {
        return journal.containsKey(J_GUARD) ? ServerGuard.parseName(journal.get(J_GUARD)) : Optional.empty();
    }

    /** Set ON by the session and still ON; never while super_read_only is ON, which switching read_only off would end too. */
    private static boolean readOnlyStillChanged(Map<String, String> journal, Sql sql, ServerInfo server) {
        if (!Boolean.parseBoolean(journal.get(J_READ_ONLY_CHANGED))) {
            return false;
        }
        if (server.isMariaDb()) {
            return isOn(sql.scalar(READ_ONLY_STATE));
        }
        Map<String, String> now = sql.firstRow(BOTH_STATES).orElseThrow();
        if (isOn(now.get("super_read_only"))) {
            LOG.warn(
                    "quiesce: {} has super_read_only=ON now, which the session did not set: read_only is left ON",
                    server);
            return false;
        }
        return isOn(now.get("read_only"));
    }

    private static boolean sqlThreadStillStopped(Map<String, String> journal, Sql sql, ServerInfo server) {
        return Boolean.parseBoolean(journal.get(J_SQL_THREAD_STOPPED))
                && !ReplicaStatus.read(sql, server)
                        .map(ReplicaStatus::sqlThreadRunning)
                        .orElse(true);
    }

    static String stopSqlThread(ServerInfo server) {
        return server.replicaStatusStatement().contains("REPLICA") ? STOP_SQL_THREAD : STOP_SQL_THREAD_OLD;
    }

    static String startSqlThread(ServerInfo server) {
        return server.replicaStatusStatement().contains("REPLICA") ? START_SQL_THREAD : START_SQL_THREAD_OLD;
    }

    static boolean isOn(String value) {
        return value != null && (value.equals("1") || value.equalsIgnoreCase("ON"));
    }
}
