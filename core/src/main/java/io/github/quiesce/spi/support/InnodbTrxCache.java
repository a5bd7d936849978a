package io.github.quiesce.spi.support;

import io.github.quiesce.spi.Sql;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code information_schema.INNODB_TRX}, {@code INNODB_LOCKS} and {@code INNODB_LOCK_WAITS} are one cache
 * that InnoDB refills only when nobody has read it for 100 ms: read more often than that, by anyone, it
 * keeps showing transactions and lock waits that ended long ago (measured on MySQL 5.7.22, MariaDB 10.2.11
 * and 11.4.5: a transaction that ended 0.3 s in stayed listed for the whole 2.8 s of a 40 ms poll, and was
 * gone after a 300 ms pause). A look taken inside a transaction of our own, begun before it, proves
 * itself fresh when it lists that transaction: the cache was filled after the transaction began.
 */
public final class InnodbTrxCache {

    /** Begins the transaction a fresh look lists; read-only, so it holds nothing and writes nothing. */
    static final String BEGIN_OWN_TRANSACTION = "START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY";

    static final String END_OWN_TRANSACTION = "ROLLBACK";

    /** A SELECT-list column: 1 when the look lists this connection's own transaction, 0 when it is stale. */
    public static final String OWN_TRANSACTION_LISTED = "(SELECT COUNT(*) FROM information_schema.INNODB_TRX own"
            + " WHERE own.trx_mysql_thread_id = CONNECTION_ID())";

    private static final long REFILL_MILLIS = 120;

    private InnodbTrxCache() {}

    /**
     * Runs {@code query} inside a transaction of our own, ended before returning, so that the rows can prove
     * themselves fresh: those of a fresh look list this connection's transaction (see
     * {@link #OWN_TRANSACTION_LISTED}, or the query's own test of {@code CONNECTION_ID()}).
     */
    public static List<Map<String, String>> lookInOwnTransaction(Sql sql, String query) {
        sql.execute(BEGIN_OWN_TRANSACTION);
        try {
            return sql.rows(query);
        } finally {
            sql.execute(END_OWN_TRANSACTION);
        }
    }

    /**
     * How long to wait before looking again after a stale look: past the cache's idle time plus a random part
     * of it, so that two sessions polling side by side leave the cache the idle moment it needs instead of
     * keeping it stale for each other.
     */
    public static long pauseAfterStaleMillis() {
        return REFILL_MILLIS + ThreadLocalRandom.current().nextLong(REFILL_MILLIS);
    }

    /** The least time between two of our own looks for the second to be refilled. */
    public static long refillMillis() {
        return REFILL_MILLIS;
    }
}
