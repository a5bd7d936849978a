package io.github.quiesce.spi.support;

import io.github.quiesce.BackupSqlException;
import io.github.quiesce.LongQuery;
import io.github.quiesce.ServerInfo;
import io.github.quiesce.spi.LockContext;
import io.github.quiesce.spi.Sql;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A deadlock the server cannot see, left by a table flush that met a row-lock wait: statement B waits
 * for a row lock of transaction A with its table open; the flush marks the table old; A's next
 * statement on it then waits for the flush ("Waiting for table flush"), which waits for B to close the
 * table, which waits for A. Cancelling the flush changes nothing; InnoDB does not see the table-flush
 * edge, so only B's {@code innodb_lock_wait_timeout} (50 s by default) ends it, with an error for B and
 * every writer of the table held until then (measured on MySQL 8.0.15). B's statement cannot succeed
 * inside the cycle, so ending it at once ({@code KILL QUERY}, B's connection and transaction stay, as
 * after a lock wait timeout) costs B the same error sooner and frees everyone else. Only waiters whose
 * blocker is itself waiting for a table flush are ended, and only while no other statement has run the
 * guard's threshold: such a statement (a long query on the table) may be what the blocker waits for,
 * and then B is not in a cycle and would get its lock once that statement ends. Needs PROCESS.
 */
final class FlushDeadlocks {

    private static final String FLUSH_WAIT = "'Waiting for table flush'";

    /** MySQL and Percona Server 8.0: every row-lock wait, and whether its blocker waits for a table flush. */
    static final String WAITS_8_0 =
            "SELECT r.PROCESSLIST_ID AS waiting, b.PROCESSLIST_STATE = " + FLUSH_WAIT + " AS cycle"
                    + " FROM performance_schema.data_lock_waits w"
                    + " JOIN performance_schema.threads r ON r.THREAD_ID = w.REQUESTING_THREAD_ID"
                    + " JOIN performance_schema.threads b ON b.THREAD_ID = w.BLOCKING_THREAD_ID";

    /**
     * MySQL 5.7 and MariaDB: the same from information_schema, a cache that may be stale ({@link InnodbTrxCache}):
     * {@code fresh} says whether this look lists the transaction it is taken in.
     */
    static final String WAITS_INFORMATION_SCHEMA =
            "SELECT r.trx_mysql_thread_id AS waiting, p.STATE = " + FLUSH_WAIT + " AS cycle, "
                    + InnodbTrxCache.OWN_TRANSACTION_LISTED + " AS fresh"
                    + " FROM information_schema.INNODB_LOCK_WAITS w"
                    + " JOIN information_schema.INNODB_TRX r ON r.trx_id = w.requesting_trx_id"
                    + " JOIN information_schema.INNODB_TRX b ON b.trx_id = w.blocking_trx_id"
                    + " JOIN information_schema.PROCESSLIST p ON p.ID = b.trx_mysql_thread_id";

    /** Where this server lists row-lock waits, and whether a look there must prove itself fresh. */
    private enum Waits {
        PERFORMANCE_SCHEMA(WAITS_8_0, false),
        INFORMATION_SCHEMA(WAITS_INFORMATION_SCHEMA, true);

        private final String query;
        private final boolean cached;

        Waits(String query, boolean cached) {
            this.query = query;
            this.cached = cached;
        }

        // INNODB_LOCK_WAITS was removed in MySQL 8.0.1, which moved lock waits to performance_schema.data_lock_waits.
        static Waits on(ServerInfo server) {
            return !server.isMariaDb() && server.version().atLeast(8, 0, 1) ? PERFORMANCE_SCHEMA : INFORMATION_SCHEMA;
        }

        List<Map<String, String>> look(Sql sql) {
            return cached ? InnodbTrxCache.lookInOwnTransaction(sql, query) : sql.rows(query);
        }
    }

    /** Connections waiting for a table flush: blockers in a cycle, or writers behind one. */
    static final String FLUSH_WAITERS = "SELECT ID FROM information_schema.PROCESSLIST WHERE STATE = " + FLUSH_WAIT;

    private static final Logger LOG = LoggerFactory.getLogger(FlushDeadlocks.class);

    private FlushDeadlocks() {}

    /**
     * Waiters in a cycle, or none while some other statement has run the threshold (it may hold the flush up
     * instead); null when the look was stale, which must end nobody: a wait it lists may be long over.
     */
    private static Set<Long> victims(LockContext context, Waits waits, RunningStatements statements) {
        Set<Long> waiting = new LinkedHashSet<>();
        Set<Long> inCycle = new LinkedHashSet<>();
        List<Map<String, String>> rows = waits.look(context.sql());
        if (rows.stream().anyMatch(r -> "0".equals(r.get("fresh")))) {
            return null;
        }
        for (Map<String, String> row : rows) {
            Long id = id(row.get("waiting"));
            if (id != null) {
                waiting.add(id);
                if ("1".equals(row.get("cycle"))) {
                    inCycle.add(id);
                }
            }
        }
        if (inCycle.isEmpty()) {
            return inCycle;
        }
        Set<Long> waitingForFlush = new LinkedHashSet<>();
        context.sql().rows(FLUSH_WAITERS).forEach(row -> {
            Long id = id(row.get("ID"));
            if (id != null) {
                waitingForFlush.add(id);
            }
        });
        List<LongQuery> others = statements
                .atLeast(context.options().longQueryGuard().threshold())
                .stream()
                .filter(s -> {
                    Long id = id(s.id());
                    return id == null || !waiting.contains(id) && !waitingForFlush.contains(id);
                })
                .toList();
        if (!others.isEmpty()) {
            LOG.debug(
                    "quiesce: row-lock waits on {} are caught behind a table flush, but {} may be what holds the flush up;"
                            + " ending nothing",
                    context.server(),
                    others.get(0));
            return Set.of();
        }
        return inCycle;
    }

    private static Long id(String value) {
        return value != null && value.matches("\\d{1,18}") ? Long.valueOf(value) : null;
    }

    /**
     * For {@code watch} after a cancelled flush (cycles form when A sends its next statement), ends each
     * waiter caught in such a cycle. Never throws: a failed look or kill is logged and left to the
     * server's own timeout.
     *
     * @return the connection ids whose statement was ended
     */
    static Set<Long> breakCycles(LockContext context, String flush, Duration watch, RunningStatements statements) {
        ServerInfo server = context.server();
        Waits waits = Waits.on(server);
        Set<Long> ended = new LinkedHashSet<>();
        long deadline = System.nanoTime() + watch.toNanos();
        do {
            Set<Long> victims;
            try {
                victims = victims(context, waits, statements);
            } catch (BackupSqlException e) {
                LOG.debug(
                        "quiesce: cannot look for row-lock waits caught behind {} on {}: {}",
                        flush,
                        server,
                        e.getMessage());
                return ended;
            }
            if (victims == null) {
                LOG.debug("quiesce: information_schema's lock waits on {} were stale; looking again", server);
                if (!pause(InnodbTrxCache.pauseAfterStaleMillis(), deadline)) {
                    return ended;
                }
                continue;
            }
            for (long id : victims) {
                if (!ended.add(id)) {
                    continue;
                }
                LOG.warn(
                        "quiesce: connection {} on {} waits for a row lock held by a transaction that waits for the cancelled {};"
                                + " neither can move until innodb_lock_wait_timeout, so its statement is ended now (KILL QUERY {})",
                        id,
                        server,
                        flush,
                        id);
                try {
                    LongQueries.killQuery(context.sql(), id);
                } catch (RuntimeException e) {
                    LOG.warn(
                            "quiesce: could not end the statement of connection {} on {}: {}",
                            id,
                            server,
                            e.getMessage());
                }
            }
            if (!pause(InnodbTrxCache.refillMillis(), deadline)) {
                return ended;
            }
        } while (true);
    }

    /** @return false when the watch is over (deadline passed, or interrupted) */
    private static boolean pause(long millis, long deadline) {
        if (System.nanoTime() >= deadline) {
            return false;
        }
        try {
            Thread.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
