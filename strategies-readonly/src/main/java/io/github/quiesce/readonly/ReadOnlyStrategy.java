package io.github.quiesce.readonly;

import io.github.quiesce.BackupException;
import io.github.quiesce.BackupOptions;
import io.github.quiesce.BinlogCoordinates;
import io.github.quiesce.Privilege;
import io.github.quiesce.ServerInfo;
import io.github.quiesce.StrategyOption;
import io.github.quiesce.spi.support.BinaryLogStatus;
import io.github.quiesce.spi.support.FlushingLock;
import io.github.quiesce.spi.support.Galera;
import io.github.quiesce.GaleraNode;
import io.github.quiesce.spi.LockContext;
import io.github.quiesce.spi.InspectContext;
import io.github.quiesce.spi.LockStrategy;
import io.github.quiesce.spi.PrivilegeRequirement;
import io.github.quiesce.spi.RecoverContext;
import io.github.quiesce.spi.Sql;
import io.github.quiesce.spi.Support;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * can put it back if the process dies while holding it. It changes only what needs changing:
 * {@code read_only} only when it was OFF (a replica that was ON, or {@code super_read_only=ON}, is
 * left alone, so no restore can turn {@code super_read_only} off as a side effect), and the SQL thread
 * only when asked and when it was running.
 *
 * <p>Sequence: [{@code STOP REPLICA SQL_THREAD} ({@code SLAVE} before MySQL 8.0.22 / MariaDB 10.5.1), wait for 0 open temporary tables] → long-query guard,
 * {@code FLUSH NO_WRITE_TO_BINLOG TABLES}, {@code FLUSH TABLES WITH READ LOCK} → [{@code SET GLOBAL
 * read_only = ON}] → at {@code coordinates()}: the replica's own binary log status and, on a replica,
 * its source's coordinates ({@code SHOW SLAVE STATUS}, MariaDB {@code @@gtid_slave_pos}) → close:
 * [{@code SET GLOBAL read_only = OFF}], {@code UNLOCK TABLES}, [{@code START REPLICA SQL_THREAD}].
 */
public final class ReadOnlyStrategy implements LockStrategy {

    public static final String NAME = "read-only";

    /** Allow it on a server that is not a replica, where every client write then waits. */
    public static final StrategyOption<Boolean> ALLOW_ON_SOURCE = StrategyOption.of("read-only.allow-on-source", Boolean.class, false);
    /** XtraBackup's {@code --safe-slave-backup}: stop the SQL thread first and wait for its temporary tables to close. */
    public static final StrategyOption<Boolean> STOP_REPLICA_SQL_THREAD =
            StrategyOption.of("read-only.stop-replica-sql-thread", Boolean.class, false);
    /** How long to wait for the replica's open temporary tables to reach 0 after stopping the SQL thread. */
    public static final StrategyOption<Duration> TEMP_TABLES_TIMEOUT =
            StrategyOption.of("read-only.temp-tables-timeout", Duration.class, Duration.ofSeconds(60));

    static final String READ_ONLY_STATE = "SELECT @@GLOBAL.read_only AS read_only";
    /** Both in one round trip; MariaDB has no super_read_only. */
    static final String BOTH_STATES = "SELECT @@GLOBAL.read_only AS read_only, @@GLOBAL.super_read_only AS super_read_only";
    static final String READ_ONLY_ON = "SET GLOBAL read_only = ON";
    static final String READ_ONLY_OFF = "SET GLOBAL read_only = OFF";
    /** MySQL 8.0.22+ and MariaDB 10.5.1+ spell it REPLICA (8.4 dropped SLAVE); older servers only know SLAVE. */
    static final String STOP_SQL_THREAD = "STOP REPLICA SQL_THREAD";
    static final String START_SQL_THREAD = "START REPLICA SQL_THREAD";
    static final String STOP_SQL_THREAD_OLD = "STOP SLAVE SQL_THREAD";
    static final String START_SQL_THREAD_OLD = "START SLAVE SQL_THREAD";
    static final String OPEN_TEMP_TABLES = "SHOW GLOBAL STATUS WHERE Variable_name IN ('Slave_open_temp_tables', 'Replica_open_temp_tables')";
    static final String GTID_SLAVE_POS = "SELECT @@GLOBAL.gtid_slave_pos";

    /** Journal keys: what recover() needs to put back. */
    static final String J_READ_ONLY_CHANGED = "read_only.changed";
    static final String J_SQL_THREAD_STOPPED = "sql_thread.stopped";

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

    @Override
    public boolean selectableByAuto() {
        return false;
    }

    @Override
    public List<PrivilegeRequirement> requiredPrivileges(ServerInfo server) {
        List<PrivilegeRequirement> r = new ArrayList<>();
        r.add(PrivilegeRequirement.of(Privilege.RELOAD, FlushingLock.FTWRL));
        r.add(server.isMariaDb()
                ? PrivilegeRequirement.anyOf(READ_ONLY_ON, Privilege.SUPER, Privilege.READ_ONLY_ADMIN)
                : PrivilegeRequirement.anyOf(READ_ONLY_ON, Privilege.SUPER, Privilege.SYSTEM_VARIABLES_ADMIN));
        r.add(PrivilegeRequirement.anyOf("SHOW SLAVE STATUS", Privilege.REPLICATION_CLIENT, Privilege.REPLICA_MONITOR, Privilege.SUPER));
        r.addAll(BinaryLogStatus.requirements(server));
        return r;
    }

    /** Extra privilege only when the SQL thread is to be stopped; checked here because it depends on the options. */
    @Override
    public Support inspect(InspectContext context) {
        ServerInfo server = context.server();
        BackupOptions options = context.options();
        if (!server.replica() && !options.get(ALLOW_ON_SOURCE)) {
            return Support.no(server + " is not a replica: read-only mode would make every client write wait until close."
                    + " To do that on purpose, set ReadOnlyStrategy.ALLOW_ON_SOURCE; nothing was changed");
        }
        if (options.get(STOP_REPLICA_SQL_THREAD) && server.replica()
                && !(server.has(Privilege.REPLICATION_SLAVE_ADMIN) || server.has(Privilege.SUPER))) {
            return Support.no("stopping the replica SQL thread needs REPLICATION_SLAVE_ADMIN or SUPER, which "
                    + server.privileges().account() + " lacks");
        }
        return Support.yes();
    }

    @Override
    public void acquire(LockContext context) {
        Sql sql = context.sql();
        ServerInfo server = context.server();
        Map<String, String> state = sql.firstRow(server.isMariaDb() ? READ_ONLY_STATE : BOTH_STATES).orElseThrow();
        boolean readOnly = isOn(state.get("read_only"));
        boolean superReadOnly = isOn(state.get("super_read_only"));
        boolean stopSqlThread = context.options().get(STOP_REPLICA_SQL_THREAD) && ReplicaStatus.read(sql, server)
                .map(ReplicaStatus::sqlThreadRunning).orElse(false);
        LOG.debug("quiesce: {} before read-only mode: read_only={}, super_read_only={}, stopping the SQL thread: {}",
                server, readOnly, superReadOnly, stopSqlThread);

        Map<String, String> journal = new LinkedHashMap<>();
        journal.put("read_only.before", String.valueOf(readOnly));
        journal.put("super_read_only.before", String.valueOf(superReadOnly));
        journal.put(J_READ_ONLY_CHANGED, String.valueOf(!readOnly));
        journal.put(J_SQL_THREAD_STOPPED, String.valueOf(stopSqlThread));
        if (stopSqlThread || !readOnly) {
            context.journal(journal);
        }

        if (stopSqlThread) {
            // Before the lock: STOP REPLICA SQL_THREAD under FTWRL fails on MySQL 8 (error 3857).
            String stop = stopSqlThread(server);
            String start = startSqlThread(server);
            sql.execute(stop);
            context.onReleaseGlobal(start, s -> s.execute(start));
            awaitNoTempTables(context);
        }
        Galera.beforeLock(context, server.galera().map(GaleraNode::globalReadLockDesyncsAndPauses).orElse(true));
        FlushingLock.globalReadLock(context);
        if (!readOnly) {
            sql.execute(READ_ONLY_ON);
            // Only ever back to OFF, and only because it was OFF (so super_read_only was OFF too).
            context.onReleaseGlobal(READ_ONLY_OFF, s -> s.execute(READ_ONLY_OFF));
        }
    }

    private static void awaitNoTempTables(LockContext context) {
        Duration timeout = context.options().get(TEMP_TABLES_TIMEOUT);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long open = context.sql().rows(OPEN_TEMP_TABLES).stream().map(r -> r.get("Value")).filter(v -> v != null && v.matches("\\d+"))
                    .mapToLong(Long::parseLong).max().orElse(0);
            if (open == 0) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new BackupException("The replica SQL thread on " + context.server() + " was stopped but " + open
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
        BinlogCoordinates c = ReplicaStatus.read(sql, server)
                .map(status -> own.withSource(status.source(server.isMariaDb() ? sql.scalar(GTID_SLAVE_POS) : status.executedGtidSet(), server)))
                .orElse(own);
        context.snapshots().open();
        return c;
    }

    /** After a crash: put back what the journal says this strategy changed, reading the server first. */
    @Override
    public List<String> recover(RecoverContext context) {
        Sql sql = context.sql();
        ServerInfo server = context.server();
        Map<String, String> journal = context.journal();
        List<String> done = new ArrayList<>();
        if (Boolean.parseBoolean(journal.get(J_READ_ONLY_CHANGED)) && isOn(sql.scalar(READ_ONLY_STATE))) {
            sql.execute(READ_ONLY_OFF);
            done.add(READ_ONLY_OFF);
        }
        if (Boolean.parseBoolean(journal.get(J_SQL_THREAD_STOPPED))
                && !ReplicaStatus.read(sql, server).map(ReplicaStatus::sqlThreadRunning).orElse(true)) {
            sql.execute(startSqlThread(server));
            done.add(startSqlThread(server));
        }
        done.addAll(Galera.recover(context));
        return done;
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
