package io.github.quiesce.readonly;

import io.github.quiesce.BackupException;
import io.github.quiesce.ServerInfo;
import io.github.quiesce.spi.LockContext;
import io.github.quiesce.spi.Sql;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server-side dead-man switch of a read-only session: an {@code EVENT} that runs every second and,
 * once the session's lock connection no longer exists, drops itself and puts back what the session
 * changed, so a backup process killed with {@code kill -9} leaves the server changed for about a second
 * instead of until someone runs {@code BackupSession.recover}.
 *
 * <p>What the servers do, measured on MySQL 8.0.15 and MariaDB 11.4.5 (both behave alike):
 * <ul>
 *   <li>An event body may {@code DROP EVENT} itself (no error 1561 for DROP) and goes on to its next
 *       statement; that is how the guard disappears after it healed. {@code PREPARE} of event DDL is
 *       refused on MySQL ("not supported in the prepared statement protocol"), so the drop is plain.</li>
 *   <li>Whatever the body runs is written to the binary log like any session's statements: its own
 *       {@code DROP EVENT}, and also the drop of a one-shot {@code ON COMPLETION NOT PRESERVE} event
 *       after its run. On a replica with GTIDs each would be an errant transaction that breaks failover.
 *       The body therefore starts with {@code SET SESSION sql_log_bin = 0} (it holds for the rest of that
 *       run, the automatic drop included), and the session creates and drops the event with
 *       {@code sql_log_bin = 0} too.</li>
 *   <li>While any connection holds {@code FLUSH TABLES WITH READ LOCK}, the event scheduler runs
 *       nothing: its thread waits for the global read lock (MySQL) or the backup lock (MariaDB) to
 *       record the run. So the guard can act only once the lock connection has ended, never while
 *       a live session holds its lock; before the lock (stopping the SQL thread, waiting for long
 *       queries) it runs and finds the connection alive.</li>
 *   <li>Across a network partition the server sees no close and the lock connection lives on,
 *       holding the global read lock (and with it the scheduler) until {@code wait_timeout}, 8 h by
 *       default. The session therefore sets its lock connection's {@code wait_timeout} to
 *       {@code maxLockHold} plus {@link #GRACE}: the lock connection is idle while a backup copies, a
 *       live session is released by its watchdog at {@code maxLockHold}, and a holder that can no longer
 *       reach the server has its connection ended by the server itself, after which the guard heals.</li>
 *   <li>{@code SET GLOBAL read_only}, {@code START SLAVE SQL_THREAD} and {@code information_schema.PROCESSLIST}
 *       work in an event body with the definer's privileges; the definer is the session's own account,
 *       which sees its own connections without {@code PROCESS}, and reads {@code Uptime} without any
 *       privilege.</li>
 *   <li>After a server restart nothing this session set survives ({@code SET GLOBAL} is not persisted;
 *       the SQL thread starts as the server's configuration says), so a guard that finds the server
 *       booted after it was created drops itself and changes nothing.</li>
 * </ul>
 *
 * <p>It restores only what is still changed: {@code read_only} only if the session set it and it is
 * still ON, and not while {@code super_read_only} is ON (switching {@code read_only} off would switch
 * that off too; the guard then waits); the SQL thread only if the session stopped it ({@code START ... SQL_THREAD} of a
 * running thread is a no-op with a warning on both servers). It drops itself before it changes
 * anything, so it acts at most once.
 *
 * <p>The event lives in the {@code mysql} schema, which every server has, so nothing is created that
 * would have to be removed besides the event itself. Every statement is a constant here; the numbers and
 * names put into the body are validated.
 */
final class ServerGuard {

    /** Every server has it: no schema to create, and none left behind. */
    static final String SCHEMA = "mysql";

    static final String NAME_PREFIX = "quiesce_guard_";
    /** {@code mysql.quiesce_guard_<boot>_<lock connection id>}: unique per server boot and connection. */
    private static final Pattern QUALIFIED_NAME =
            Pattern.compile(SCHEMA + "\\." + NAME_PREFIX + "[0-9]{1,19}_[0-9]{1,19}");

    /** How much longer than maxLockHold the server keeps an idle lock connection whose holder it cannot hear. */
    static final Duration GRACE = Duration.ofSeconds(5);
    /** A boot time this much later than at creation means the server restarted (clock steps up to it are tolerated). */
    static final int RESTART_TOLERANCE_SECONDS = 10;

    static final String SQL_LOG_BIN = "SELECT @@SESSION.sql_log_bin";
    static final String SQL_LOG_BIN_OFF = "SET SESSION sql_log_bin = 0";
    static final String SQL_LOG_BIN_SET = "SET SESSION sql_log_bin = ?";
    static final String WAIT_TIMEOUT = "SELECT @@SESSION.wait_timeout";
    static final String WAIT_TIMEOUT_SET = "SET SESSION wait_timeout = ?";
    static final String EXISTS =
            "SELECT COUNT(*) FROM information_schema.EVENTS WHERE EVENT_SCHEMA = ? AND EVENT_NAME = ?";
    static final String DROP = "DROP EVENT IF EXISTS %s";

    /** When the server booted, in Unix seconds: {@code Uptime} is readable without any privilege. */
    static final String BOOT_MYSQL = "(SELECT CAST(UNIX_TIMESTAMP() - VARIABLE_VALUE AS SIGNED)"
            + " FROM performance_schema.global_status WHERE VARIABLE_NAME = 'Uptime')";
    /** MariaDB, and MySQL before 5.7.6 (no performance_schema.global_status). */
    static final String BOOT_INFORMATION_SCHEMA = "(SELECT CAST(UNIX_TIMESTAMP() - VARIABLE_VALUE AS SIGNED)"
            + " FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'UPTIME')";

    static final String BOOT_TIME_MYSQL = "SELECT " + BOOT_MYSQL;
    static final String BOOT_TIME_INFORMATION_SCHEMA = "SELECT " + BOOT_INFORMATION_SCHEMA;

    /**
     * The guard; %1$s the qualified name, %2$s the lock connection id, %3$s the boot time at creation,
     * %4$s the boot-time expression, %5$s the restore statements, %6$s and %7$s what it runs inside of
     * ({@link #WHILE_WRITABLE_MYSQL}), %8$s its handlers ({@link #QUIET_UNDER_SUPER_READ_ONLY_MYSQL}), %9$s
     * the event's name without its schema. Only numbers, the validated name and constants go in.
     *
     * <p>It acts only if it still exists once the connection is gone. A run that came due while the lock was
     * held starts only when the session unlocks, and may find the connection gone after a clean release; the
     * session drops the guard before it closes that connection, so such a run finds the guard gone and
     * leaves alone whatever was set after the release (seen in CI: a read_only set ON right after a release
     * was switched off).
     */
    static final String CREATE = "CREATE EVENT %1$s ON SCHEDULE EVERY 1 SECOND ON COMPLETION NOT PRESERVE ENABLE"
            + " COMMENT 'quiesce read-only guard: puts back what session %2$s changed once that connection has ended;"
            + " see BackupSession.recover'"
            + " DO BEGIN"
            + "%8$s"
            + " SET SESSION sql_log_bin = 0;"
            + "%6$s"
            + " IF %4$s > %3$s + " + RESTART_TOLERANCE_SECONDS + " THEN"
            + " DROP EVENT IF EXISTS %1$s;"
            + " ELSEIF NOT EXISTS (SELECT 1 FROM information_schema.PROCESSLIST WHERE ID = %2$s) THEN"
            + " IF EXISTS (SELECT 1 FROM information_schema.EVENTS WHERE EVENT_SCHEMA = '" + SCHEMA + "'"
            + " AND EVENT_NAME = '%9$s') THEN"
            + " DROP EVENT IF EXISTS %1$s;"
            + "%5$s"
            + " END IF;"
            + " END IF;"
            + "%7$s"
            + " END";
    /**
     * MySQL: someone made the server super_read_only after the session began. The guard may then neither
     * drop itself (error 1290) nor switch read_only off (that would end super_read_only too): it waits,
     * without an error a second in the log, and does its work once super_read_only is OFF again.
     */
    static final String WHILE_WRITABLE_MYSQL = " IF @@GLOBAL.super_read_only = 0 THEN";

    static final String END_WHILE_WRITABLE_MYSQL = " END IF;";

    /**
     * MySQL: super_read_only switched on between {@link #WHILE_WRITABLE_MYSQL}'s check and the DROP EVENT
     * makes the drop fail with 1290 (seen in CI, ReadOnlyReplicaMySql8IT: the session's connection ended right
     * as the server became super_read_only). The run must then end there, as an unhandled error would end
     * it, without restoring anything (a CONTINUE handler went on to START REPLICA SQL_THREAD under
     * super_read_only), but without the scheduler's error line: the guard simply runs again a second later.
     */
    static final String QUIET_UNDER_SUPER_READ_ONLY_MYSQL = " DECLARE EXIT HANDLER FOR 1290 BEGIN END;";
    /** MySQL: never switch super_read_only off as a side effect (SET GLOBAL read_only = OFF would). */
    static final String RESTORE_READ_ONLY_MYSQL =
            " IF @@GLOBAL.read_only = 1 AND @@GLOBAL.super_read_only = 0 THEN SET GLOBAL read_only = 0; END IF;";

    static final String RESTORE_READ_ONLY_MARIADB = " IF @@GLOBAL.read_only = 1 THEN SET GLOBAL read_only = 0; END IF;";
    /** START REPLICA SQL_THREAD or START SLAVE SQL_THREAD, as the server spells it. */
    static final String RESTORE_SQL_THREAD = " %s;";

    private static final Logger LOG = LoggerFactory.getLogger(ServerGuard.class);

    private ServerGuard() {}

    /** What the guard must put back, decided before anything changes. */
    record Plan(boolean readOnly, boolean sqlThread) {}

    /** A guard's identity: when the server booted and which lock connection it watches. */
    record Name(long boot, long connectionId) {
        Name {
            nonNegative("boot time", boot);
            nonNegative("connection id", connectionId);
        }

        static Name of(long boot, long connectionId) {
            return new Name(boot, connectionId);
        }

        /** {@code mysql.quiesce_guard_<boot>_<id>}. */
        String qualified() {
            return validName(SCHEMA + "." + unqualified());
        }

        /** {@code quiesce_guard_<boot>_<id>}. */
        String unqualified() {
            return NAME_PREFIX + boot + "_" + connectionId;
        }
    }

    /** The name read back from a journal, if it is one this class made. */
    static Optional<String> parseName(String value) {
        return value != null && QUALIFIED_NAME.matcher(value).matches() ? Optional.of(value) : Optional.empty();
    }

    static String createStatement(ServerInfo server, Name name, Plan plan) {
        StringBuilder restore = new StringBuilder();
        if (plan.readOnly()) {
            restore.append(server.isMariaDb() ? RESTORE_READ_ONLY_MARIADB : RESTORE_READ_ONLY_MYSQL);
        }
        if (plan.sqlThread()) {
            restore.append(String.format(RESTORE_SQL_THREAD, ReadOnlyStrategy.startSqlThread(server)));
        }
        boolean mysql = !server.isMariaDb();
        return String.format(
                CREATE,
                name.qualified(),
                name.connectionId(),
                name.boot(),
                bootExpression(server),
                restore,
                mysql ? WHILE_WRITABLE_MYSQL : "",
                mysql ? END_WHILE_WRITABLE_MYSQL : "",
                mysql ? QUIET_UNDER_SUPER_READ_ONLY_MYSQL : "",
                name.unqualified());
    }

    static String bootExpression(ServerInfo server) {
        return !server.isMariaDb() && server.version().atLeast(5, 7, 6) ? BOOT_MYSQL : BOOT_INFORMATION_SCHEMA;
    }

    static String dropStatement(String name) {
        return String.format(DROP, validName(name));
    }

    /** The lock connection's wait_timeout while held: maxLockHold in whole seconds, rounded up, plus {@link #GRACE}. */
    static long waitTimeoutSeconds(Duration maxLockHold) {
        long millis = maxLockHold.toMillis();
        return (millis + 999) / 1000 + GRACE.toSeconds();
    }

    /**
     * Creates the guard on the session's connection, before any global change, and registers its removal
     * and the lock connection's {@code wait_timeout}. Returns false, with a WARN saying why and what that
     * means, where the server cannot run it; nothing is then left changed by the attempt.
     */
    static boolean create(LockContext context, Name guard, Plan plan) {
        Sql sql = context.sql();
        ServerInfo server = context.server();
        if (guard.connectionId() != context.connectionId()) {
            throw new IllegalArgumentException(
                    "the guard must watch the session's own lock connection " + context.connectionId());
        }
        String name = guard.qualified();
        String create = createStatement(server, guard, plan);
        String logBin = sql.scalar(SQL_LOG_BIN);
        try {
            sql.execute(SQL_LOG_BIN_OFF);
        } catch (BackupException e) {
            warnUnavailable(
                    server,
                    "this account may not set sql_log_bin (" + privilegeFor(server) + "), which keeps the guard out"
                            + " of the binary log: " + e.getMessage());
            return false;
        }
        try {
            sql.execute(create);
        } catch (BackupException e) {
            warnUnavailable(server, "CREATE EVENT failed: " + e.getMessage());
            return false;
        } finally {
            restoreLogBin(sql, logBin);
        }
        String drop = dropStatement(name);
        context.onReleaseGlobal(drop, s -> drop(s, name));
        String previousWait = sql.scalar(WAIT_TIMEOUT);
        long waitTimeout = waitTimeoutSeconds(context.options().maxLockHold());
        sql.execute(WAIT_TIMEOUT_SET, waitTimeout);
        if (previousWait != null && previousWait.matches("\\d{1,9}")) {
            long previous = Long.parseLong(previousWait);
            context.onRelease("SET SESSION wait_timeout = " + previous, s -> s.execute(WAIT_TIMEOUT_SET, previous));
        }
        LOG.debug(
                "quiesce: server-side guard {} on {} watches lock connection {} (wait_timeout {} s)",
                name,
                server,
                context.connectionId(),
                waitTimeout);
        return true;
    }

    /** Drops the guard without writing to the binary log; the connection's sql_log_bin is put back. */
    static void drop(Sql sql, String name) {
        String logBin = sql.scalar(SQL_LOG_BIN);
        sql.execute(SQL_LOG_BIN_OFF);
        try {
            sql.execute(dropStatement(name));
        } finally {
            restoreLogBin(sql, logBin);
        }
    }

    static boolean exists(Sql sql, String name) {
        String[] parts = validName(name).split("\\.", 2);
        return !"0".equals(sql.scalar(EXISTS, parts[0], parts[1]));
    }

    /** When the server booted (Unix seconds), or empty where its status cannot be read. */
    static Optional<Long> bootTime(Sql sql, ServerInfo server) {
        String value;
        try {
            value = sql.scalar(
                    bootExpression(server).equals(BOOT_MYSQL) ? BOOT_TIME_MYSQL : BOOT_TIME_INFORMATION_SCHEMA);
        } catch (BackupException e) {
            LOG.debug("quiesce: cannot read Uptime on {}: {}", server, e.getMessage());
            return Optional.empty();
        }
        return value != null && value.matches("\\d{1,18}") ? Optional.of(Long.parseLong(value)) : Optional.empty();
    }

    static void warnUnavailable(ServerInfo server, String why) {
        LOG.warn(
                "quiesce: no server-side guard on {}: {}. If this process dies while it holds the session, what read-only"
                        + " changed stays changed until BackupSession.recover(dataSource, options) runs (the journal makes the next"
                        + " open() refuse until then). The guard needs event_scheduler=ON, the EVENT privilege and {}.",
                server,
                why,
                privilegeFor(server));
    }

    static String privilegeFor(ServerInfo server) {
        return server.isMariaDb()
                ? "BINLOG ADMIN or SUPER (for sql_log_bin)"
                : "SYSTEM_VARIABLES_ADMIN or SUPER (for sql_log_bin)";
    }

    private static void restoreLogBin(Sql sql, String previous) {
        sql.execute(SQL_LOG_BIN_SET, "0".equals(previous) || "OFF".equalsIgnoreCase(previous) ? 0 : 1);
    }

    private static long nonNegative(String what, long value) {
        if (value < 0) {
            throw new IllegalArgumentException(what + " must not be negative: " + value);
        }
        return value;
    }

    private static String validName(String name) {
        if (!QUALIFIED_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a quiesce guard name: " + name);
        }
        return name;
    }
}
