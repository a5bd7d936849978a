package io.github.quiesce.spi;

import io.github.quiesce.BackupEvent;
import io.github.quiesce.LockAcquisitionException;
import io.github.quiesce.LongQueryGuard;
import io.github.quiesce.LongQueryKiller;
import io.github.quiesce.Privilege;
import io.github.quiesce.ServerInfo;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Statements that have been running long, seen in {@code information_schema.PROCESSLIST}, for strategies
 * that must not issue a table-flushing lock behind them (see {@link LongQueryGuard}). Sleeping,
 * replication, system and our own threads never count. Seeing other accounts' statements takes PROCESS.
 */
public final class LongQueries {

    /** Running statements except replication, system and our own threads, longest first. */
    public static final String QUERY = "SELECT ID, USER, TIME, LEFT(INFO, 200) AS QUERY FROM information_schema.PROCESSLIST"
            + " WHERE ID <> CONNECTION_ID() AND COMMAND NOT IN ('Sleep', 'Daemon', 'Binlog Dump', 'Binlog Dump GTID', 'Connect')"
            + " AND USER NOT IN ('system user', 'event_scheduler') AND INFO IS NOT NULL AND TIME >= ? ORDER BY TIME DESC";

    /** KILL takes no parameter; the id is appended as a number (a long), never as text. */
    static final String KILL_QUERY = "KILL QUERY ";

    private static final Logger LOG = LoggerFactory.getLogger(LongQueries.class);
    private static final Pattern LEADING_COMMENTS = Pattern.compile("^(\\s|/\\*.*?\\*/|--[^\\n]*\\n|#[^\\n]*\\n)*", Pattern.DOTALL);
    private static final long POLL_MILLIS = 100;

    private LongQueries() {
    }

    /** One running statement, as an operator needs it at 3 a.m. */
    public record Statement(String id, String user, long seconds, String query) {
        @Override
        public String toString() {
            return "id " + id + " by " + user + " for " + seconds + " s: " + query;
        }

        boolean isSelect() {
            String q = LEADING_COMMENTS.matcher(query).replaceFirst("").toUpperCase(Locale.ROOT);
            return q.startsWith("SELECT") || q.startsWith("WITH") || q.startsWith("(");
        }
    }

    /** Whether this account can see every account's statements. */
    public static boolean visible(ServerInfo server) {
        return server.has(Privilege.PROCESS);
    }

    /** Statements running for at least {@code seconds}, longest first. */
    public static List<Statement> running(Sql sql, long seconds) {
        return sql.rows(QUERY, seconds).stream().map(LongQueries::statement).toList();
    }

    private static Statement statement(Map<String, String> row) {
        String time = row.get("TIME");
        return new Statement(row.get("ID"), row.get("USER"), time == null ? 0 : Long.parseLong(time),
                String.valueOf(row.get("QUERY")));
    }

    /** The statements the options' {@link LongQueryGuard} counts as long right now, longest first. */
    public static List<Statement> blocking(LockContext context) {
        LongQueryGuard guard = context.options().longQueryGuard();
        return running(context.sql(), thresholdSeconds(guard)).stream().filter(s -> counts(guard.type(), s)).toList();
    }

    /** PROCESSLIST counts whole seconds. */
    private static long thresholdSeconds(LongQueryGuard guard) {
        return Math.max(1, (guard.threshold().toMillis() + 999) / 1000);
    }

    /**
     * Waits, as the options' {@link LongQueryGuard} says, until no long statement of its type runs; throws
     * a {@link LockAcquisitionException} naming them when its timeout passes. With a {@link LongQueryKiller}
     * on, ends them once it has waited long enough. Call it right before a lock that flushes tables.
     */
    public static void awaitNone(LockContext context, String lock) {
        LongQueryGuard guard = context.options().longQueryGuard();
        ServerInfo server = context.server();
        if (!guard.enabled()) {
            return;
        }
        if (!visible(server)) {
            LOG.warn("quiesce: account {} lacks PROCESS on {}, so the long-query guard cannot see other accounts' statements"
                    + " before {}; grant PROCESS to keep a long query from stalling every writer", server.privileges().account(),
                    server, lock);
        }
        LongQueryKiller killer = context.options().killLongQueries();
        long start = System.nanoTime();
        long deadline = start + guard.timeout().toNanos();
        boolean announced = false;
        Set<String> killed = new HashSet<>();
        while (true) {
            List<Statement> blockers = blocking(context);
            if (blockers.isEmpty()) {
                if (announced) {
                    Duration waited = Duration.ofNanos(System.nanoTime() - start);
                    LOG.info("quiesce: long statements on {} ended after {} ms; taking {}", server, waited.toMillis(), lock);
                    context.publish(new BackupEvent.WaitedForLongQueries(lock, waited, true));
                }
                return;
            }
            if (System.nanoTime() > deadline) {
                context.publish(new BackupEvent.WaitedForLongQueries(lock, Duration.ofNanos(System.nanoTime() - start), false));
                throw new LockAcquisitionException("Did not take " + lock + " on " + server + ": " + blockers.size()
                        + " statement(s) kept running for " + thresholdSeconds(guard) + " s or more through the " + guard.timeout().toSeconds()
                        + " s long-query guard, and the lock would have queued behind them while blocking every writer: "
                        + blockers.stream().limit(5).map(Statement::toString).collect(Collectors.joining("; "))
                        + ". Retry when they end, kill them, or widen BackupOptions.longQueryGuard.");
            }
            if (!announced) {
                LOG.info("quiesce: waiting up to {} s before {} on {}: {} long statement(s), first {}", guard.timeout().toSeconds(),
                        lock, server, blockers.size(), blockers.get(0));
                context.publish(new BackupEvent.WaitingForLongQueries(lock, blockers, guard.timeout()));
                announced = true;
            }
            if (killer.enabled() && System.nanoTime() - start >= killer.after().toNanos()) {
                kill(context, blockers.stream().filter(b -> counts(killer.type(), b) && killed.add(b.id())).toList(), lock);
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LockAcquisitionException("Interrupted while waiting for long statements to end before " + lock);
            }
        }
    }

    /** Ends the statement that connection {@code id} is running (its connection stays); from any connection that may. */
    public static void killQuery(Sql sql, long id) {
        sql.execute(KILL_QUERY + id);
    }

    /** Ends each victim's statement (once); its connection stays. A failed kill is logged and waited out like any blocker. */
    private static void kill(LockContext context, List<Statement> victims, String lock) {
        for (Statement victim : victims) {
            if (!victim.id().matches("\\d{1,18}")) {
                continue;
            }
            LOG.warn("quiesce: killing a statement that blocks {} on {} (killLongQueries is on): {}", lock, context.server(), victim);
            try {
                killQuery(context.sql(), Long.parseLong(victim.id()));
                context.publish(new BackupEvent.LongQueryKilled(victim));
            } catch (RuntimeException e) {
                LOG.warn("quiesce: could not kill id {} on {}: {}", victim.id(), context.server(), e.getMessage());
            }
        }
    }

    private static boolean counts(LongQueryGuard.QueryType type, Statement s) {
        return switch (type) {
            case ALL -> true;
            case SELECT -> s.isSelect();
            case UPDATE -> !s.isSelect();
        };
    }
}
