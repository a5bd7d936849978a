package io.github.quiesce.spi.support;

import io.github.quiesce.BackupEvent;
import io.github.quiesce.LockAcquisitionException;
import io.github.quiesce.LongQuery;
import io.github.quiesce.LongQueryGuard;
import io.github.quiesce.LongQueryKiller;
import io.github.quiesce.Privilege;
import io.github.quiesce.ServerInfo;
import io.github.quiesce.spi.LockContext;
import io.github.quiesce.spi.Sql;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Statements that have been running long, for strategies that must not issue a table-flushing lock
 * behind them (see {@link LongQueryGuard}); their ages come from {@link RunningStatements}, to the
 * millisecond where the server allows. Sleeping, replication, system and our own threads never count.
 * Seeing other accounts' statements takes PROCESS, or on MySQL SELECT on performance_schema (see
 * {@link #seesEveryAccount}).
 */
public final class LongQueries {

    /** KILL takes no parameter; the id is appended as a number (a long), never as text. */
    static final String KILL_QUERY = "KILL QUERY ";

    private static final Logger LOG = LoggerFactory.getLogger(LongQueries.class);
    private static final Pattern LEADING_COMMENTS =
            Pattern.compile("^(\\s|/\\*.*?\\*/|--[^\\n]*\\n|#[^\\n]*\\n)*", Pattern.DOTALL);
    /** Short enough to find the gap between two statements of a busy server; each look is one cheap query. */
    private static final long POLL_MILLIS = 20;

    private static final Duration MAX_QUIET_PERIOD = Duration.ofSeconds(1);

    private LongQueries() {}

    /** Whether a statement is a plain read, which a table flush waits for on some servers only. */
    static boolean isSelect(LongQuery s) {
        String q = LEADING_COMMENTS.matcher(s.query()).replaceFirst("").toUpperCase(Locale.ROOT);
        return q.startsWith("SELECT") || q.startsWith("WITH") || q.startsWith("(");
    }

    /**
     * Whether this account sees every account's statements: with PROCESS, or on MySQL when it reads
     * performance_schema, whose statement tables are not filtered by account (measured on 5.7.22 and
     * 8.0.15: an account with SELECT on it and no PROCESS saw root's SELECT and waited for it).
     */
    private static boolean seesEveryAccount(ServerInfo server, RunningStatements statements) {
        return server.has(Privilege.PROCESS) || statements.readsPerformanceSchema();
    }

    /** Statements running for at least {@code threshold}, longest first. */
    public static List<LongQuery> running(LockContext context, Duration threshold) {
        return RunningStatements.on(context).atLeast(threshold);
    }

    /**
     * One look: the statements of the options' {@link LongQueryGuard}'s type that a flush would wait for,
     * split into those that have run its threshold (longest first) and those still younger.
     */
    private record Look(List<LongQuery> blockers, List<RunningStatements.Running> young) {
        static Look take(LockContext context, RunningStatements statements) {
            LongQueryGuard guard = context.options().longQueryGuard();
            boolean selectsBlock = context.server().tableFlushWaitsForStatements();
            long threshold = guard.threshold().toMillis();
            List<RunningStatements.Running> counted = statements.all().stream()
                    .filter(r -> counts(guard.type(), r.statement()) && (selectsBlock || !isSelect(r.statement())))
                    .toList();
            return new Look(
                    counted.stream()
                            .map(RunningStatements.Running::statement)
                            .filter(s -> s.millis() >= threshold)
                            .toList(),
                    counted.stream()
                            .filter(r -> r.statement().millis() < threshold)
                            .toList());
        }
    }

    /**
     * Whether the guard sees no long statement now and none of the statements running now turns out long
     * (see {@link YoungStatements}): one look misses a statement that started just before it, so those it
     * saw young are watched until they end, or until {@link #quietPeriod one threshold} has passed, by when
     * any still running has run the threshold and shows as long. Only one that started after the first look
     * can slip past. True at once when the guard is off.
     */
    public static boolean quiet(LockContext context) {
        LongQueryGuard guard = context.options().longQueryGuard();
        if (!guard.enabled()) {
            return true;
        }
        RunningStatements statements = RunningStatements.on(context);
        Look look = Look.take(context, statements);
        YoungStatements watched = new YoungStatements(look.young(), quietPeriod(guard));
        while (look.blockers().isEmpty()) {
            if (watched.settled()) {
                return true;
            }
            sleep(watched.nextPauseMillis(), "looking for long statements");
            look = Look.take(context, statements);
            watched.dropEnded(look.young());
        }
        LOG.debug(
                "quiesce: {} long statement(s) on {}, first {}",
                look.blockers().size(),
                context.server(),
                look.blockers().get(0));
        return false;
    }

    /**
     * Waits, as the options' {@link LongQueryGuard} says, until no long statement of its type runs and
     * none of those running then turns out long (see {@link #quiet}); throws a {@link LockAcquisitionException} naming
     * them when its timeout passes. With a {@link LongQueryKiller} on, ends them once it has waited long
     * enough. Call it right before a lock that flushes tables.
     */
    public static void awaitNone(LockContext context, String lock) {
        LongQueryGuard guard = context.options().longQueryGuard();
        ServerInfo server = context.server();
        if (!guard.enabled()) {
            return;
        }
        RunningStatements statements = RunningStatements.on(context);
        if (!seesEveryAccount(server, statements)) {
            LOG.warn(
                    "quiesce: account {} lacks PROCESS on {}, so the long-query guard cannot see other accounts' statements"
                            + " before {}; grant PROCESS (on MySQL, or SELECT on performance_schema) to keep a long query from"
                            + " stalling every writer",
                    server.privileges().account(),
                    server,
                    lock);
        }
        LongQueryKiller killer = context.options().killLongQueries();
        long start = System.nanoTime();
        long deadline = start + guard.timeout().toNanos();
        YoungStatements watched = null;
        boolean announced = false;
        Set<String> killed = new HashSet<>();
        while (true) {
            Look look = Look.take(context, statements);
            List<LongQuery> blockers = look.blockers();
            if (blockers.isEmpty()) {
                if (watched == null) {
                    watched = new YoungStatements(look.young(), quietPeriod(guard));
                } else {
                    watched.dropEnded(look.young());
                }
                if (!watched.settled()) {
                    sleep(watched.nextPauseMillis(), lock);
                    continue;
                }
                if (announced) {
                    Duration waited = Duration.ofNanos(System.nanoTime() - start);
                    LOG.info(
                            "quiesce: long statements on {} ended after {} ms; taking {}",
                            server,
                            waited.toMillis(),
                            lock);
                    context.publish(new BackupEvent.WaitedForLongQueries(lock, waited, true));
                }
                return;
            }
            watched = null;
            if (System.nanoTime() > deadline) {
                context.publish(
                        new BackupEvent.WaitedForLongQueries(lock, Duration.ofNanos(System.nanoTime() - start), false));
                throw new LockAcquisitionException("Did not take " + lock + " on " + server + ": " + blockers.size()
                        + " statement(s) kept running for " + guard.threshold().toMillis() + " ms or more through the "
                        + guard.timeout().toSeconds()
                        + " s long-query guard, and the lock would have queued behind them while blocking every writer: "
                        + blockers.stream().limit(5).map(LongQuery::toString).collect(Collectors.joining("; "))
                        + ". Retry when they end, kill them, or widen BackupOptions.longQueryGuard.");
            }
            if (!announced) {
                LOG.info(
                        "quiesce: waiting up to {} s before {} on {}: {} long statement(s), first {}",
                        guard.timeout().toSeconds(),
                        lock,
                        server,
                        blockers.size(),
                        blockers.get(0));
                context.publish(new BackupEvent.WaitingForLongQueries(lock, blockers, guard.timeout()));
                announced = true;
            }
            if (killer.enabled() && System.nanoTime() - start >= killer.after().toNanos()) {
                kill(
                        context,
                        blockers.stream()
                                .filter(b -> counts(killer.type(), b) && killed.add(b.id()))
                                .toList(),
                        lock);
            }
            sleep(POLL_MILLIS, lock);
        }
    }

    /**
     * How long the guard watches the statements it saw young at most: the threshold, so that one still
     * running by then has run the threshold and shows as long. A threshold above a second says that younger
     * statements are meant to pass, and one look does.
     */
    private static Duration quietPeriod(LongQueryGuard guard) {
        return guard.threshold().compareTo(MAX_QUIET_PERIOD) <= 0 ? guard.threshold() : Duration.ZERO;
    }

    private static void sleep(long millis, String what) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LockAcquisitionException("Interrupted while waiting for long statements to end before " + what);
        }
    }

    /**
     * A flush that waited was cancelled. Where the server's flushes wait for running statements, the
     * statements it waited for still hold every new user of their tables in "Waiting for table flush"
     * until they end: cancelling does not free those writers (see
     * {@link ServerInfo#tableFlushWaitsForStatements()}). First, for one acquire timeout, end the
     * row-lock waits that the flush has turned into a deadlock ({@link FlushDeadlocks}); then say who
     * still holds writers at WARN and, with the {@link LongQueryKiller} on, end those of its type that
     * have run its {@code after}.
     */
    static void afterCancelledFlush(LockContext context, String flush, Duration waited) {
        if (!context.server().tableFlushWaitsForStatements()) {
            return;
        }
        RunningStatements statements = RunningStatements.on(context);
        FlushDeadlocks.breakCycles(context, flush, context.options().acquireTimeout(), statements);
        // Only what was already running when the flush began can be what it waited for.
        List<LongQuery> holders = statements.atLeast(waited);
        if (holders.isEmpty()) {
            return;
        }
        LOG.warn(
                "quiesce: {} on {} was cancelled, but new statements on the tables of these running statements wait for the"
                        + " flush until they end: {}",
                flush,
                context.server(),
                holders.stream().limit(5).map(LongQuery::toString).collect(Collectors.joining("; ")));
        LongQueryKiller killer = context.options().killLongQueries();
        if (killer.enabled()) {
            kill(
                    context,
                    holders.stream()
                            .filter(h -> counts(killer.type(), h)
                                    && h.millis() >= killer.after().toMillis())
                            .toList(),
                    flush);
        }
    }

    /** Ends the statement that connection {@code id} is running (its connection stays); from any connection that may. */
    public static void killQuery(Sql sql, long id) {
        sql.execute(KILL_QUERY + id);
    }

    /** Ends each victim's statement (once); its connection stays. A failed kill is logged and waited out like any blocker. */
    private static void kill(LockContext context, List<LongQuery> victims, String lock) {
        for (LongQuery victim : victims) {
            if (!victim.id().matches("\\d{1,18}")) {
                continue;
            }
            LOG.warn(
                    "quiesce: killing a statement that blocks {} on {} (killLongQueries is on): {}",
                    lock,
                    context.server(),
                    victim);
            try {
                killQuery(context.sql(), Long.parseLong(victim.id()));
                context.publish(new BackupEvent.LongQueryKilled(victim));
            } catch (RuntimeException e) {
                LOG.warn("quiesce: could not kill id {} on {}: {}", victim.id(), context.server(), e.getMessage());
            }
        }
    }

    private static boolean counts(LongQueryGuard.QueryType type, LongQuery s) {
        return switch (type) {
            case ALL -> true;
            case SELECT -> isSelect(s);
            case UPDATE -> !isSelect(s);
        };
    }
}
