package io.github.quiesce.spi.support;

import io.github.quiesce.BackupSqlException;
import io.github.quiesce.BinlogCoordinates;
import io.github.quiesce.CoordinatesUnavailableException;
import io.github.quiesce.Flavor;
import io.github.quiesce.LockAcquisitionException;
import io.github.quiesce.MissingPrivilegeException;
import io.github.quiesce.Privilege;
import io.github.quiesce.ServerInfo;
import io.github.quiesce.ServerVersion;
import io.github.quiesce.StrategyOption;
import io.github.quiesce.internal.SqlErrors;
import io.github.quiesce.spi.LockContext;
import io.github.quiesce.spi.PrivilegeRequirement;
import io.github.quiesce.spi.Snapshots;
import io.github.quiesce.spi.Sql;
import io.github.quiesce.spi.Support;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Coordinates from {@code performance_schema.log_status} (MySQL and Percona Server 8.0.11+): the
 * binary log position and {@code gtid_executed} read together without blocking commits. Needs
 * BACKUP_ADMIN and SELECT on the table.
 *
 * <p><b>log_status can lie.</b> MySQL Bug #102175 / #32442772 (fixed in MySQL 8.0.42; Percona Server
 * PS-7873, fixed in 8.0.27-18): under concurrent commits its {@code gtid_executed} can lag its binary
 * log position (the transaction at the position is N+2 while the set ends at N), or the position can
 * land inside an event. On MySQL 8.0.15 with four writers, 7 of 10 reads disagreed. On every version
 * not known to be fixed ({@link #mayDisagree}), {@link #capture} therefore verifies each read against
 * the binary log and reads again until the two agree (see {@link BinlogAgreement}); where nothing has
 * been written at the position yet, it reads again until position and set are stable while the position
 * is still the end of the log, and then takes that set. It gives up with a
 * {@link CoordinatesUnavailableException} after {@link #AGREEMENT_TIMEOUT}. Verification needs
 * REPLICATION SLAVE (for {@code SHOW BINLOG EVENTS}); see {@link #requirements}.
 *
 * <p><b>Snapshots.</b> They need an instant with no commit in flight, which the locks used with
 * log_status never give. Without MySQL GTIDs ({@code gtid_mode} not ON) only a commit-stopping lock
 * gives it: FTWRL taken behind the long-query guard like every flushing lock, or, without RELOAD, a
 * {@link io.github.quiesce.MissingPrivilegeException} before any snapshot is opened
 * ({@link #bracketProvable} says why). With GTIDs, RELOAD and PROCESS, and when the long-query guard
 * sees no long statement ({@link LongQueries#quiet}; FTWRL would queue behind it and then make every
 * user of its tables wait for a flush):
 * {@code SET SESSION lock_wait_timeout = 1}, {@code FLUSH TABLES WITH READ LOCK}, the verified read, the
 * snapshots started, {@code UNLOCK TABLES} (MySQL Shell's order; writers wait for milliseconds). Otherwise, with
 * GTIDs, snapshot transactions are opened between two reads, which never stops a writer: read C1, start all snapshots at once (in parallel), read C2; then verify C1. If C2 equals C1
 * (same file, position and GTID set) and C1 agrees with the binary log as read, no binlogged transaction
 * committed in between: a transaction becomes visible in InnoDB only after it is written to the binary
 * log (so it would have moved the position) and before it is added to {@code gtid_executed} (so, being
 * before the verified position, it was already in C1). Every snapshot therefore sees exactly C1.
 * Otherwise the snapshots are rolled back and the bracket is tried again until
 * {@link #AGREEMENT_TIMEOUT}. MySQL Shell's dump makes the same check when it cannot use FTWRL. That
 * needs a moment with no commit at all, which a busy server may never give: then it fails, saying so.
 */
public final class LogStatus {

    /** How long {@link #capture} may keep re-reading before it gives up. */
    public static final StrategyOption<Duration> AGREEMENT_TIMEOUT =
            StrategyOption.of("log-status.agreement-timeout", Duration.class, Duration.ofSeconds(10));

    static final String QUERY = "SELECT LOCAL FROM performance_schema.log_status";
    static final String BRIEF_LOCK = FlushingLock.FTWRL;
    static final String UNLOCK_TABLES = FlushingLock.UNLOCK_TABLES;
    static final String SET_LOCK_WAIT_TIMEOUT = "SET SESSION lock_wait_timeout = ?";
    static final int BRIEF_LOCK_WAIT_SECONDS = 1;
    /** Checks the account may read the table without collecting a row (which briefly blocks commits). */
    static final String READABLE = "SELECT 1 FROM performance_schema.log_status LIMIT 0";

    private static final Logger LOG = LoggerFactory.getLogger(LogStatus.class);
    private static final Pattern FILE = Pattern.compile("\"binary_log_file\"\\s*:\\s*\"([^\"]*)\"");
    private static final Pattern POSITION = Pattern.compile("\"binary_log_position\"\\s*:\\s*(\\d+)");
    private static final Pattern GTID = Pattern.compile("\"gtid_executed\"\\s*:\\s*\"([^\"]*)\"");
    private static final Pattern PERCONA_BUILD = Pattern.compile("^\\d+\\.\\d+\\.\\d+-(\\d+)");
    private static final long STABLE_POLL_MILLIS = 2;
    /**
     * How long position and set must stay unchanged at the end of the log before the set is taken. A
     * lagging set waits only for a group commit's sync and commit stages, but a starved machine can stretch
     * those far past an fsync: 20 ms let one point in 100 through with a set five transactions short (MySQL
     * 8.0.15, 4 writers, load average 8 on 2 CPUs). Any commit meanwhile grows the log, and the event
     * written at the position then decides exactly, so this wait is paid in full only on an idle server,
     * and the instance lock it runs under blocks no DML.
     */
    private static final long SETTLED_NANOS = 250_000_000;

    private LogStatus() {}

    /** Whether this server's log_status may disagree with itself (MySQL Bug #102175, PS-7873). */
    public static boolean mayDisagree(ServerInfo server) {
        if (server.flavor() == Flavor.PERCONA) {
            if (server.version().atLeast(8, 0, 28)) {
                return false;
            }
            Matcher build = PERCONA_BUILD.matcher(server.versionText());
            return !(server.version().equals(ServerVersion.of(8, 0, 27))
                    && build.find()
                    && Integer.parseInt(build.group(1)) >= 18);
        }
        // Fixed in 8.0.42 on the 8.0 line; later lines are verified too until a fix is confirmed there.
        return !(server.version().atLeast(8, 0, 42) && server.version().before(8, 1, 0));
    }

    /** What reading (and, where needed, verifying) log_status takes beyond BACKUP_ADMIN. */
    public static List<PrivilegeRequirement> requirements(ServerInfo server) {
        if (!server.binaryLogEnabled() || !mayDisagree(server)) {
            return List.of();
        }
        return List.of(PrivilegeRequirement.anyOf(
                "SHOW BINLOG EVENTS, to verify performance_schema.log_status (MySQL Bug #102175)",
                Privilege.REPLICATION_SLAVE));
    }

    /** Why log_status cannot be used on this server, or yes. Reads no row. */
    public static Support readable(Sql sql, ServerInfo server) {
        if (!server.binaryLogEnabled()) {
            return Support.yes();
        }
        if (!server.hasLogStatus()) {
            return Support.no("performance_schema.log_status needs MySQL/Percona Server 8.0.11 or later");
        }
        try {
            sql.rows(READABLE);
            return Support.yes();
        } catch (BackupSqlException e) {
            return Support.no("performance_schema.log_status is not readable by "
                    + server.privileges().account() + " (" + e.getMessage()
                    + "); it needs BACKUP_ADMIN and SELECT on it, and performance_schema=ON");
        }
    }

    /** One read, unverified. */
    public static BinlogCoordinates read(Sql sql, ServerInfo server) {
        if (!server.binaryLogEnabled()) {
            throw BinaryLogStatus.disabled(server);
        }
        if (!server.hasLogStatus()) {
            throw new CoordinatesUnavailableException(
                    server + " has no performance_schema.log_status (MySQL/Percona 8.0.11 and later)");
        }
        String local = sql.scalar(QUERY);
        if (local == null) {
            throw new CoordinatesUnavailableException(QUERY + " returned no row on " + server);
        }
        return parse(local, server);
    }

    /**
     * Coordinates that agree with the binary log, with the context's snapshot transactions opened at
     * exactly that point. See the class comment for how.
     */
    public static BinlogCoordinates capture(LockContext context) {
        Sql sql = context.sql();
        ServerInfo server = context.server();
        Snapshots snapshots = context.snapshots();
        long deadline = deadline(context);
        if (snapshots.requested() == 0) {
            return agreed(sql, server, deadline);
        }
        if (!bracketProvable(server)) {
            return underGuardedGlobalReadLock(context);
        }
        if (server.has(Privilege.RELOAD) && noLongStatementRunning(context)) {
            try {
                return underBriefGlobalReadLock(context);
            } catch (LockAcquisitionException e) {
                // Nothing was opened and the lock is dropped; the bracket needs no lock at all.
                LOG.warn("quiesce: {}; opening the snapshots between two log_status reads instead", e.getMessage());
            }
        }
        int attempts = 0;
        String lastReason;
        while (true) {
            attempts++;
            // The bracket is kept as short as it can be: two reads and the parallel starts; verifying comes after.
            BinlogCoordinates before = read(sql, server);
            snapshots.open();
            BinlogCoordinates after = read(sql, server);
            if (samePoint(before, after)) {
                BinlogAgreement.Verdict v = verify(sql, server, before, deadline, LogStatus::settleAtEnd);
                if (v instanceof BinlogAgreement.Agrees agrees && samePoint(agrees.coordinates(), before)) {
                    LOG.debug(
                            "quiesce: {} snapshot transactions on {} opened at {} (attempt {})",
                            snapshots.requested(),
                            server,
                            before,
                            attempts);
                    return before;
                }
                lastReason = v instanceof BinlogAgreement.Disagrees d
                        ? d.why()
                        : "the read had to be corrected, so what the snapshots saw is not known";
            } else {
                lastReason = "commits landed while they were opened (" + before + " then " + after + ")";
            }
            snapshots.discard();
            if (System.nanoTime() > deadline) {
                throw new CoordinatesUnavailableException(
                        "Could not open " + snapshots.requested() + " snapshot transactions on "
                                + server + " between two identical, verified reads of performance_schema.log_status in "
                                + attempts
                                + " attempts (last: " + lastReason
                                + "). This lock does not stop commits; for snapshot dumps of a server"
                                + " this busy use a strategy that does (e.g. ftwrl), or raise "
                                + AGREEMENT_TIMEOUT.name() + ".");
            }
        }
    }

    /**
     * The two-read bracket proves its point with {@code gtid_executed} only: a commit is added to it
     * after InnoDB has made it visible, so two equal verified sets leave no commit half done. Without
     * MySQL GTIDs both reads see only the binary log position, which moves before InnoDB makes the commit
     * visible: a group commit written before the first read but not yet visible to the snapshots leaves
     * both reads identical and the point wrong (MySQL 8.0.15, gtid_mode=OFF: 4 of 5 restores diverged).
     */
    static boolean bracketProvable(ServerInfo server) {
        return server.usesMysqlGtids() && server.gtidEnabled();
    }

    /**
     * Where the bracket proves nothing, commits must stop for an instant: FTWRL taken as every flushing
     * lock is (the long-query guard waits for long statements, each attempt is cancelled after the
     * acquire timeout), or a typed refusal, before any snapshot is opened, when the account may not.
     */
    private static BinlogCoordinates underGuardedGlobalReadLock(LockContext context) {
        ServerInfo server = context.server();
        if (!server.has(Privilege.RELOAD)) {
            throw new MissingPrivilegeException(
                    "Snapshot connections on " + server + " with gtid_mode=" + server.gtidMode()
                            + " need RELOAD: without GTIDs, two reads of performance_schema.log_status cannot prove which commits the"
                            + " snapshots saw (a commit already in the binary log may not yet be visible in InnoDB), so commits must stop"
                            + " for an instant under " + BRIEF_LOCK
                            + ". No snapshot was opened. GRANT RELOAD, PROCESS to "
                            + server.privileges().account() + ", or run with gtid_mode=ON.",
                    List.of(Privilege.RELOAD.displayName()));
        }
        FlushingLock.acquire(context, UNLOCK_TABLES, BRIEF_LOCK);
        return openSnapshotsAndUnlock(context);
    }

    /**
     * FTWRL flushes tables: behind a statement that keeps a table open it waits, and every later statement
     * on that table then waits for the flush until that statement ends, timeout or not. So the brief lock is
     * only taken when the long-query guard sees nothing (see {@link LongQueries#quiet});
     * that takes PROCESS to see other accounts' statements. Otherwise the two-read bracket is used, which
     * never stops writers.
     */
    private static boolean noLongStatementRunning(LockContext context) {
        // PROCESS, as documented for this path. Reading performance_schema would show as much on MySQL (see
        // LongQueries.seesEveryAccount), but this path has not been tried with such an account.
        if (!context.server().has(Privilege.PROCESS)) {
            LOG.debug(
                    "quiesce: no PROCESS privilege on {}: cannot rule out a long query, so no brief FTWRL",
                    context.server());
            return false;
        }
        if (!LongQueries.quiet(context)) {
            LOG.info(
                    "quiesce: long statements are running on {}; snapshots are opened between two log_status reads"
                            + " instead of under FTWRL, which would queue behind them",
                    context.server());
            return false;
        }
        return true;
    }

    /**
     * The lock held alongside never gives an instant with no commit in flight, and on a busy server two
     * identical reads are rare. So, as MySQL Shell does, commits are stopped just long enough to start the
     * snapshots: FTWRL, only once no long statement runs, with {@code lock_wait_timeout} of one second so
     * that one starting in between makes it give up instead of holding writers behind it.
     */
    private static BinlogCoordinates underBriefGlobalReadLock(LockContext context) {
        Sql sql = context.sql();
        sql.execute(SET_LOCK_WAIT_TIMEOUT, BRIEF_LOCK_WAIT_SECONDS);
        try {
            try {
                sql.execute(BRIEF_LOCK);
            } catch (BackupSqlException e) {
                FlushingLock.releaseAfterFailure(sql, UNLOCK_TABLES);
                if (e.vendorCode() == SqlErrors.LOCK_WAIT_TIMEOUT) {
                    LongQueries.afterCancelledFlush(context, BRIEF_LOCK, Duration.ofSeconds(BRIEF_LOCK_WAIT_SECONDS));
                    throw new LockAcquisitionException(
                            "Opening snapshot transactions on " + context.server() + " needs commits stopped"
                                    + " for an instant, but " + BRIEF_LOCK + " waited more than "
                                    + BRIEF_LOCK_WAIT_SECONDS + " s (a long"
                                    + " query or transaction holds a table) and was given up so that writers do not freeze."
                                    + " Try again when it has finished.",
                            e);
                }
                throw e;
            }
            return openSnapshotsAndUnlock(context);
        } finally {
            // After the unlock: every statement run under the lock is time every writer waits.
            sql.execute(SET_LOCK_WAIT_TIMEOUT, context.options().lockWaitTimeoutSeconds());
        }
    }

    /** Under the global read lock just taken: the coordinates, the snapshots at them, and the lock dropped at once. */
    private static BinlogCoordinates openSnapshotsAndUnlock(LockContext context) {
        Sql sql = context.sql();
        // Registered too, so that a failure below still releases it before the connection is reused.
        context.onRelease(UNLOCK_TABLES, s -> s.execute(UNLOCK_TABLES));
        try {
            BinlogCoordinates c =
                    agreed(sql, context.server(), deadline(context), LogStatus::settledUnderGlobalReadLock);
            context.snapshots().open();
            return c;
        } finally {
            sql.execute(UNLOCK_TABLES);
        }
    }

    private static long deadline(LockContext context) {
        return System.nanoTime() + context.options().get(AGREEMENT_TIMEOUT).toNanos();
    }

    private static boolean samePoint(BinlogCoordinates a, BinlogCoordinates b) {
        return a.file().equals(b.file())
                && a.position() == b.position()
                && GtidSet.parse(a.gtidSet()).equals(GtidSet.parse(b.gtidSet()));
    }

    /** Reads until a read agrees with the binary log (only one read where the server is not affected). */
    static BinlogCoordinates agreed(Sql sql, ServerInfo server, long deadlineNanos) {
        return agreed(sql, server, deadlineNanos, LogStatus::settleAtEnd);
    }

    /** How a read that ends exactly at the end of the log is made final: it depends on whether commits run. */
    @FunctionalInterface
    private interface AtEndSettler {
        BinlogAgreement.Verdict settle(Sql sql, ServerInfo server, BinlogCoordinates c, long deadlineNanos);
    }

    private static BinlogCoordinates agreed(Sql sql, ServerInfo server, long deadlineNanos, AtEndSettler atEnd) {
        int reads = 0;
        while (true) {
            reads++;
            BinlogCoordinates c = read(sql, server);
            BinlogAgreement.Verdict v = verify(sql, server, c, deadlineNanos, atEnd);
            if (v instanceof BinlogAgreement.Agrees agrees) {
                if (reads > 1) {
                    LOG.debug("quiesce: log_status on {} agreed with the binary log after {} reads", server, reads);
                }
                return agrees.coordinates();
            }
            String why = ((BinlogAgreement.Disagrees) v).why();
            LOG.debug("quiesce: log_status on {} read {} disagrees with the binary log: {}", server, c, why);
            if (System.nanoTime() > deadlineNanos) {
                throw new CoordinatesUnavailableException(
                        "performance_schema.log_status on " + server + " never agreed with the"
                                + " binary log in " + reads + " reads (MySQL Bug #102175; last: " + why
                                + "). Coordinates that do"
                                + " not match the data are never returned. Upgrade to 8.0.42+, or use the ftwrl strategy.");
            }
        }
    }

    private static String ownUuid(ServerInfo server) {
        return server.variable("server_uuid").orElse("");
    }

    /** Whether one read agrees with the binary log; at the end of the log, the settled (maybe corrected) read. */
    private static BinlogAgreement.Verdict verify(
            Sql sql, ServerInfo server, BinlogCoordinates c, long deadlineNanos, AtEndSettler atEnd) {
        if (!mayDisagree(server) || !server.usesMysqlGtids() || !server.gtidEnabled()) {
            return new BinlogAgreement.Agrees(c);
        }
        BinlogAgreement.Verdict v = BinlogAgreement.check(sql, c, ownUuid(server));
        if (!(v instanceof BinlogAgreement.AtEnd)) {
            return v;
        }
        return atEnd.settle(sql, server, c, deadlineNanos);
    }

    /**
     * At the end of the log while this connection holds the global read lock. FTWRL is granted only once it
     * holds the commit lock, which every commit holds from before its binary log write to its end, so no
     * commit is half done and the set read is final (MySQL Shell's dump and XtraBackup take
     * {@code gtid_executed} under FTWRL as read). Waiting {@link #SETTLED_NANOS} for it would only hold every writer
     * that long (259 ms worst commit per session on MySQL 8.0.15, measured). One more read confirms that
     * nothing moves; should it move, commits are not stopped after all and the ordinary wait decides.
     */
    private static BinlogAgreement.Verdict settledUnderGlobalReadLock(
            Sql sql, ServerInfo server, BinlogCoordinates c, long deadlineNanos) {
        BinlogCoordinates again = read(sql, server);
        if (samePoint(again, c)) {
            return new BinlogAgreement.Agrees(c);
        }
        LOG.warn(
                "quiesce: log_status on {} moved from {} to {} under {}; settling it as without the lock",
                server,
                c,
                again,
                BRIEF_LOCK);
        return settleAtEnd(sql, server, c, deadlineNanos);
    }

    /**
     * Nothing is readable at the position. Either it is the end of the log, and the set must be exactly
     * what has committed: read again until position and set have stayed the same for 250 ms (a commit
     * written before the position finishes in milliseconds) and use that set; if the log grows meanwhile,
     * the event written at the position decides. Or the log has grown
     * past it and nothing starts there, so the position is inside an event: disagreement.
     */
    private static BinlogAgreement.Verdict settleAtEnd(
            Sql sql, ServerInfo server, BinlogCoordinates c, long deadlineNanos) {
        BinlogCoordinates previous = c;
        long unchangedSince = System.nanoTime();
        while (System.nanoTime() < deadlineNanos) {
            sleep();
            BinlogCoordinates now = read(sql, server);
            if (!now.file().equals(c.file()) || now.position() != c.position()) {
                BinlogAgreement.Verdict v = BinlogAgreement.check(sql, c, ownUuid(server));
                return v instanceof BinlogAgreement.AtEnd
                        ? new BinlogAgreement.Disagrees("the log grew to " + now.file() + ":" + now.position()
                                + " but no event starts at " + c.file() + ":" + c.position())
                        : v;
            }
            if (!samePoint(now, previous)) {
                previous = now;
                unchangedSince = System.nanoTime();
            } else if (System.nanoTime() - unchangedSince >= SETTLED_NANOS) {
                if (!GtidSet.parse(now.gtidSet()).containsAll(GtidSet.parse(c.gtidSet()))) {
                    return new BinlogAgreement.Disagrees("the set shrank from " + c.gtidSet() + " to " + now.gtidSet());
                }
                return new BinlogAgreement.Agrees(now);
            }
        }
        return new BinlogAgreement.Disagrees("the set did not settle at the end of " + c.file());
    }

    private static void sleep() {
        try {
            Thread.sleep(STABLE_POLL_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CoordinatesUnavailableException("Interrupted while verifying performance_schema.log_status");
        }
    }

    static BinlogCoordinates parse(String localJson, ServerInfo server) {
        Matcher file = FILE.matcher(localJson);
        Matcher position = POSITION.matcher(localJson);
        if (!file.find() || !position.find()) {
            throw new CoordinatesUnavailableException("performance_schema.log_status on " + server
                    + " has no binary log position (is the binary log on?): " + localJson);
        }
        Matcher gtid = GTID.matcher(localJson);
        String gtidSet = gtid.find() ? gtid.group(1).replace("\\n", "") : "";
        return new BinlogCoordinates(
                file.group(1), Long.parseLong(position.group(1)), BinaryLogStatus.normalizeGtidSet(gtidSet));
    }
}
