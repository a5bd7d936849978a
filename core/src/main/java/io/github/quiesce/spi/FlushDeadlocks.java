package io.github.quiesce.spi;

import io.github.quiesce.BackupSqlException;
import io.github.quiesce.ServerInfo;
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
 * blocker is itself waiting for a table flush are ended; needs PROCESS.
 */
final class FlushDeadlocks {

    /** MySQL and Percona Server 8.0: lock waits in performance_schema. */
    static final String WAITS_8_0 = "SELECT DISTINCT r.PROCESSLIST_ID AS waiting FROM performance_schema.data_lock_waits w"
            + " JOIN performance_schema.threads r ON r.THREAD_ID = w.REQUESTING_THREAD_ID"
            + " JOIN performance_schema.threads b ON b.THREAD_ID = w.BLOCKING_THREAD_ID"
            + " WHERE b.PROCESSLIST_STATE = 'Waiting for table flush'";

    /** MySQL 5.7 and MariaDB: lock waits in information_schema (refreshed at most every 0.1 s). */
    static final String WAITS_INFORMATION_SCHEMA = "SELECT DISTINCT r.trx_mysql_thread_id AS waiting"
            + " FROM information_schema.INNODB_LOCK_WAITS w"
            + " JOIN information_schema.INNODB_TRX r ON r.trx_id = w.requesting_trx_id"
            + " JOIN information_schema.INNODB_TRX b ON b.trx_id = w.blocking_trx_id"
            + " JOIN information_schema.PROCESSLIST p ON p.ID = b.trx_mysql_thread_id"
            + " WHERE p.STATE = 'Waiting for table flush'";

    private static final Logger LOG = LoggerFactory.getLogger(FlushDeadlocks.class);
    /** information_schema's lock tables are a cache refreshed at most every 100 ms: looking faster sees nothing new. */
    private static final long POLL_MILLIS = 100;

    private FlushDeadlocks() {
    }

    /**
     * For {@code watch} after a cancelled flush (cycles form when A sends its next statement), ends each
     * waiter caught in such a cycle. Never throws: a failed look or kill is logged and left to the
     * server's own timeout.
     *
     * @return the connection ids whose statement was ended
     */
    static Set<Long> breakCycles(LockContext context, String flush, Duration watch) {
        ServerInfo server = context.server();
        String query = server.usesMysqlGtids() && server.hasInstanceLock() ? WAITS_8_0 : WAITS_INFORMATION_SCHEMA;
        Set<Long> ended = new LinkedHashSet<>();
        long deadline = System.nanoTime() + watch.toNanos();
        do {
            List<Map<String, String>> victims;
            try {
                victims = context.sql().rows(query);
            } catch (BackupSqlException e) {
                LOG.debug("quiesce: cannot look for row-lock waits caught behind {} on {}: {}", flush, server, e.getMessage());
                return ended;
            }
            for (Map<String, String> row : victims) {
                String id = row.get("waiting");
                if (id == null || !id.matches("\\d{1,18}") || !ended.add(Long.parseLong(id))) {
                    continue;
                }
                LOG.warn("quiesce: connection {} on {} waits for a row lock held by a transaction that waits for the cancelled {};"
                        + " neither can move until innodb_lock_wait_timeout, so its statement is ended now (KILL QUERY {})",
                        id, server, flush, id);
                try {
                    LongQueries.killQuery(context.sql(), Long.parseLong(id));
                } catch (RuntimeException e) {
                    LOG.warn("quiesce: could not end the statement of connection {} on {}: {}", id, server, e.getMessage());
                }
            }
            if (System.nanoTime() >= deadline) {
                return ended;
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return ended;
            }
        } while (true);
    }
}
