package io.github.quiesce.tablelocks;

import io.github.quiesce.BackupEvent;
import io.github.quiesce.LockAcquisitionException;
import io.github.quiesce.LongQuery;
import io.github.quiesce.LongQueryGuard;
import io.github.quiesce.Privilege;
import io.github.quiesce.ServerInfo;
import io.github.quiesce.spi.LockContext;
import io.github.quiesce.spi.support.InnodbTrxCache;
import io.github.quiesce.spi.support.LongQueries;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The long-query guard as {@code LOCK TABLES ... READ} needs it. That lock waits for no SELECT (its
 * metadata lock, SHARED_READ_ONLY, is compatible with readers), but it waits for every transaction that
 * has written to, or locked rows of, a table it names, even one sitting idle, and while it waits, the
 * tables it already holds and the one it waits for take no new writer. So before each attempt it waits,
 * with the options' {@link LongQueryGuard} (threshold, timeout), until no InnoDB write transaction and no
 * writing statement has been open the threshold: a transaction seen in two looks one threshold (at least
 * 120 ms) apart, each look proven fresh (INNODB_TRX is a cache that frequent readers keep stale; see
 * {@link InnodbTrxCache}), or a statement other than a plain read that has run the
 * threshold. The acquire timeout bounds a writer that starts after the last look. Needs PROCESS to see
 * other accounts (WARN without).
 */
final class WriterGuard {

    private static final Logger LOG = LoggerFactory.getLogger(WriterGuard.class);
    private static final Pattern LEADING_COMMENTS =
            Pattern.compile("^(\\s|/\\*.*?\\*/|--[^\\n]*\\n|#[^\\n]*\\n)*", Pattern.DOTALL);
    private static final Pattern LOCKING_READ =
            Pattern.compile("\\bFOR\\s+(UPDATE|SHARE)\\b|\\bLOCK\\s+IN\\s+SHARE\\s+MODE\\b");
    private static final long POLL_MILLIS = 20;

    private WriterGuard() {}

    /**
     * Returns once no writer has been open the threshold (at once when the guard is off); throws a
     * {@link LockAcquisitionException} naming them when the guard's timeout passes first.
     */
    static void awaitNone(LockContext context, String lock) {
        LongQueryGuard guard = context.options().longQueryGuard();
        if (!guard.enabled()) {
            return;
        }
        ServerInfo server = context.server();
        // INNODB_TRX lists other accounts' transactions only to PROCESS, whatever else may be read.
        boolean seesAll = server.has(Privilege.PROCESS);
        if (!seesAll) {
            LOG.warn(
                    "quiesce: account {} lacks PROCESS on {}, so the guard cannot see other accounts' write transactions before {};"
                            + " grant PROCESS so that a long transaction cannot hold writers behind the lock",
                    server.privileges().account(),
                    server,
                    lock);
        }
        long start = System.nanoTime();
        long deadline = start + guard.timeout().toNanos();
        boolean announced = false;
        while (true) {
            List<LongQuery> blockers = longWriters(context, guard.threshold(), seesAll, deadline, lock);
            if (blockers.isEmpty()) {
                if (announced) {
                    Duration waited = Duration.ofNanos(System.nanoTime() - start);
                    LOG.info(
                            "quiesce: long writers on {} ended after {} ms; taking {}",
                            server,
                            waited.toMillis(),
                            lock);
                    context.publish(new BackupEvent.WaitedForLongQueries(lock, waited, true));
                }
                return;
            }
            if (System.nanoTime() > deadline) {
                context.publish(
                        new BackupEvent.WaitedForLongQueries(lock, Duration.ofNanos(System.nanoTime() - start), false));
                throw new LockAcquisitionException("Did not take " + lock + " on " + server + ": " + blockers.size()
                        + " write transaction(s)"
                        + " or writing statement(s) stayed open "
                        + guard.threshold().toMillis() + " ms or more through the "
                        + guard.timeout().toSeconds()
                        + " s guard, and the lock would have waited for them while every new writer of"
                        + " their tables waited behind it: "
                        + blockers.stream().limit(5).map(LongQuery::toString).collect(Collectors.joining("; "))
                        + ". Retry when they end, or widen BackupOptions.longQueryGuard.");
            }
            if (!announced) {
                LOG.info(
                        "quiesce: waiting up to {} s before {} on {}: {} long writer(s), first {}",
                        guard.timeout().toSeconds(),
                        lock,
                        server,
                        blockers.size(),
                        blockers.get(0));
                context.publish(new BackupEvent.WaitingForLongQueries(lock, blockers, guard.timeout()));
                announced = true;
            }
            sleep(POLL_MILLIS, lock);
        }
    }

    /** Writers open for the threshold: statements by their age, transactions by being seen twice one threshold apart. */
    private static List<LongQuery> longWriters(
            LockContext context, Duration threshold, boolean transactionsVisible, long deadline, String lock) {
        List<LongQuery> statements = writingStatements(context, threshold);
        if (!statements.isEmpty() || !transactionsVisible) {
            return statements;
        }
        Map<String, LongQuery> first = freshWriteTransactions(context, deadline, lock);
        if (first.isEmpty()) {
            return List.of();
        }
        sleep(Math.max(InnodbTrxCache.refillMillis(), threshold.toMillis()), "looking for write transactions");
        Map<String, LongQuery> second = freshWriteTransactions(context, deadline, lock);
        second.keySet().retainAll(first.keySet());
        List<LongQuery> still = new ArrayList<>(second.values());
        // The transaction's own start is kept in whole seconds: at least the threshold, since it was seen twice.
        still.replaceAll(q -> new LongQuery(q.id(), q.user(), Math.max(q.millis(), threshold.toMillis()), q.query()));
        return still;
    }

    /**
     * The write transactions InnoDB lists, from a look that proves itself filled after it began; a stale
     * look is repeated. Throws when none is fresh by the guard's deadline: somebody reads INNODB_TRX more
     * often than every 100 ms, and no look can tell which transactions are still open.
     */
    private static Map<String, LongQuery> freshWriteTransactions(LockContext context, long deadline, String lock) {
        int stale = 0;
        while (true) {
            Optional<Map<String, LongQuery>> look = writeTransactions(context);
            if (look.isPresent()) {
                if (stale > 0) {
                    LOG.debug(
                            "quiesce: information_schema.INNODB_TRX on {} was stale in {} look(s) before a fresh one",
                            context.server(),
                            stale);
                }
                return look.get();
            }
            stale++;
            if (System.nanoTime() > deadline) {
                throw new LockAcquisitionException(
                        "Did not take " + lock + " on " + context.server()
                                + ": information_schema.INNODB_TRX was not refreshed in " + stale
                                + " look(s), so the guard"
                                + " could not tell which write transactions are open. InnoDB refills it only after 100 ms"
                                + " in which nobody reads it: some other connection polls it faster than that. Nothing is"
                                + " locked. Retry when that poller stops, or turn the guard off (BackupOptions.longQueryGuard).");
            }
            sleep(InnodbTrxCache.pauseAfterStaleMillis(), "looking for write transactions");
        }
    }

    /** One look, inside a transaction of our own: empty when that transaction is not listed (the cache is older). */
    private static Optional<Map<String, LongQuery>> writeTransactions(LockContext context) {
        List<Map<String, String>> rows =
                InnodbTrxCache.lookInOwnTransaction(context.sql(), Statements.WRITE_TRANSACTIONS);
        if (rows.stream().noneMatch(r -> "1".equals(r.get("own")))) {
            return Optional.empty();
        }
        Map<String, LongQuery> byTrx = new LinkedHashMap<>();
        for (Map<String, String> row : rows) {
            if ("1".equals(row.get("own"))) {
                continue;
            }
            String ms = row.get("ms");
            byTrx.put(
                    row.get("trx"),
                    new LongQuery(
                            row.get("id"),
                            "transaction " + row.get("trx"),
                            ms == null || !ms.matches("\\d{1,15}") ? 0 : Long.parseLong(ms),
                            row.get("query")));
        }
        return Optional.of(byTrx);
    }

    private static List<LongQuery> writingStatements(LockContext context, Duration threshold) {
        return LongQueries.running(context, threshold).stream()
                .filter(q -> !plainRead(q.query()))
                .toList();
    }

    /** A SELECT (or WITH, SHOW, ...) that locks no rows: what {@code LOCK TABLES ... READ} does not wait for. */
    static boolean plainRead(String query) {
        if (query == null) {
            return false;
        }
        String q = LEADING_COMMENTS.matcher(query).replaceFirst("").toUpperCase(Locale.ROOT);
        boolean read = q.startsWith("SELECT")
                || q.startsWith("WITH")
                || q.startsWith("(")
                || q.startsWith("SHOW")
                || q.startsWith("EXPLAIN")
                || q.startsWith("DESC");
        return read && !LOCKING_READ.matcher(q).find();
    }

    private static void sleep(long millis, String what) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LockAcquisitionException("Interrupted while waiting for long writers to end before " + what);
        }
    }
}
