package io.github.quiesce.spi.support;

import io.github.quiesce.BackupSqlException;
import io.github.quiesce.LongQuery;
import io.github.quiesce.ServerInfo;
import io.github.quiesce.spi.LockContext;
import io.github.quiesce.spi.Sql;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where this server tells how long each running statement has run, to the millisecond where it can:
 * a statement that started 20 ms before a table flush holds it up as surely as one that started an
 * hour ago, and {@code information_schema.PROCESSLIST.TIME} counts whole seconds only.
 * <ul>
 *   <li>MariaDB: {@code PROCESSLIST.TIME_MS}.</li>
 *   <li>MySQL and Percona Server: {@code performance_schema.events_statements_current}, whose
 *       {@code TIMER_WAIT} is the time so far for a statement still running (picoseconds), when the
 *       account may read it and its consumers are on (the defaults).</li>
 *   <li>Otherwise {@code PROCESSLIST.TIME}, in whole seconds, with a WARN: a statement younger than a
 *       second is then invisible.</li>
 * </ul>
 * A statement waiting for a row lock is running like any other and counts from the same threshold.
 * It matters as much as a long query: it keeps its table open while it waits for a transaction whose
 * next statement on that table would then wait for the flush, a deadlock that only
 * {@code innodb_lock_wait_timeout} ends (measured on MySQL 8.0.15: the lock holder's next statement
 * waited the full 6 s timeout after a flush cancelled at 300 ms). Waiters younger than the threshold
 * pass, as under ordinary contention some row lock is always being waited for a few milliseconds (a
 * workload with a hot table without an index had one in every look for 30 s).
 */
final class RunningStatements {

    /** Replication, system and event threads never count; nor does the asking connection. TIME_MS is a DECIMAL. */
    private static final String NOT_OURS = " NOT IN ('Sleep', 'Daemon', 'Binlog Dump', 'Binlog Dump GTID', 'Connect')";

    private static final String NOT_SYSTEM = " NOT IN ('system user', 'event_scheduler')";

    static final String MARIADB =
            "SELECT ID, USER, TIME_MS AS MS, QUERY_ID AS STATEMENT, LEFT(INFO, 200) AS QUERY FROM information_schema.PROCESSLIST"
                    + " WHERE ID <> CONNECTION_ID() AND COMMAND" + NOT_OURS + " AND USER" + NOT_SYSTEM
                    + " AND INFO IS NOT NULL AND TIME_MS >= ? ORDER BY TIME_MS DESC";

    /**
     * Milliseconds a statement has run. Where a server leaves TIMER_WAIT empty for a running statement, its
     * whole seconds stand in. PROCESSLIST_TIME can read -1 for a statement that has just begun, and a
     * negative value mixed into TIMER_WAIT's BIGINT UNSIGNED fails the whole query with error 1690 (seen on
     * MySQL 8.0.15 while a statement waited for a table flush): clamped, and the sum kept signed.
     */
    private static final String PS_MILLIS =
            "CAST(COALESCE(s.TIMER_WAIT DIV 1000000000, GREATEST(t.PROCESSLIST_TIME, 0) * 1000) AS SIGNED)";

    static final String PERFORMANCE_SCHEMA = "SELECT t.PROCESSLIST_ID AS ID, t.PROCESSLIST_USER AS USER, " + PS_MILLIS
            + " AS MS, s.EVENT_ID AS STATEMENT,"
            + " LEFT(s.SQL_TEXT, 200) AS QUERY"
            + " FROM performance_schema.events_statements_current s JOIN performance_schema.threads t ON t.THREAD_ID = s.THREAD_ID"
            + " WHERE t.PROCESSLIST_ID <> CONNECTION_ID() AND s.END_EVENT_ID IS NULL AND s.SQL_TEXT IS NOT NULL"
            + " AND t.PROCESSLIST_COMMAND" + NOT_OURS + " AND COALESCE(t.PROCESSLIST_USER, 'system user')" + NOT_SYSTEM
            + " AND " + PS_MILLIS + " >= ? ORDER BY MS DESC";

    /** The three consumers events_statements_current needs; all on by default on MySQL 5.7 and 8.x. */
    static final String PERFORMANCE_SCHEMA_READY = "SELECT COUNT(*) FROM performance_schema.setup_consumers"
            + " WHERE NAME IN ('global_instrumentation', 'thread_instrumentation', 'events_statements_current') AND ENABLED = 'YES'";

    static final String SECONDS =
            "SELECT ID, USER, TIME * 1000 AS MS, NULL AS STATEMENT, LEFT(INFO, 200) AS QUERY FROM information_schema.PROCESSLIST"
                    + " WHERE ID <> CONNECTION_ID() AND COMMAND" + NOT_OURS + " AND USER" + NOT_SYSTEM
                    + " AND INFO IS NOT NULL AND TIME * 1000 >= ? ORDER BY TIME DESC";

    private static final Logger LOG = LoggerFactory.getLogger(RunningStatements.class);

    private final Sql sql;
    private final String query;

    private RunningStatements(Sql sql, String query) {
        this.sql = sql;
        this.query = query;
    }

    /**
     * The source chosen for each lock attempt, once: the guard looks before every flush attempt and again
     * after a cancelled one, and on MySQL each choice cost a round trip in the session's window and, where
     * only whole seconds can be read, another WARN.
     */
    private static final Map<LockContext, String> CHOSEN = Collections.synchronizedMap(new WeakHashMap<>());

    /** The most precise source this account can read on the context's server, chosen on its first use. */
    static RunningStatements on(LockContext context) {
        // Not computeIfAbsent: the choice is a round trip, and the map's monitor is shared by every session.
        String query = CHOSEN.get(context);
        if (query == null) {
            query = choose(context.sql(), context.server());
            CHOSEN.put(context, query);
        }
        return new RunningStatements(context.sql(), query);
    }

    /** Whether the ages come from performance_schema, which lists every account's statements without PROCESS. */
    boolean readsPerformanceSchema() {
        return PERFORMANCE_SCHEMA.equals(query);
    }

    /** One round trip on MySQL; a WARN where only whole seconds can be read. */
    private static String choose(Sql sql, ServerInfo server) {
        if (server.isMariaDb()) {
            return MARIADB;
        }
        String why;
        try {
            String ready = sql.scalar(PERFORMANCE_SCHEMA_READY);
            if ("3".equals(ready)) {
                return PERFORMANCE_SCHEMA;
            }
            why =
                    "its consumers global_instrumentation, thread_instrumentation and events_statements_current are not all"
                            + " enabled (performance_schema="
                            + server.variable("performance_schema").orElse("?") + ")";
        } catch (BackupSqlException e) {
            why = "it is not readable by " + server.privileges().account() + " (" + e.getMessage() + ")";
        }
        LOG.warn(
                "quiesce: the long-query guard on {} reads information_schema.PROCESSLIST, which counts whole seconds, because"
                        + " performance_schema.events_statements_current cannot be used: {}. A long statement younger than a second is"
                        + " then invisible and a table flush may stall writers behind it; GRANT SELECT ON performance_schema.* to the account",
                server,
                why);
        return SECONDS;
    }

    /**
     * A statement running now, with what tells it from the next statement on its connection: MariaDB's
     * {@code QUERY_ID}, performance_schema's {@code EVENT_ID}; null where the source has none (whole seconds).
     */
    record Running(LongQuery statement, String key) {}

    /** Statements that have run at least {@code threshold}, longest first, one per connection (a stored program's nested statements merge). */
    List<LongQuery> atLeast(Duration threshold) {
        return running(threshold).stream().map(Running::statement).toList();
    }

    /** Every statement running now, as {@link #atLeast}, with its key. */
    List<Running> all() {
        return running(Duration.ZERO);
    }

    private List<Running> running(Duration threshold) {
        Map<String, Running> byId = new LinkedHashMap<>();
        for (Map<String, String> row : sql.rows(query, threshold.toMillis())) {
            Running r = new Running(statement(row), row.get("STATEMENT"));
            byId.merge(r.statement().id(), r, RunningStatements::longer);
        }
        List<Running> all = new ArrayList<>(byId.values());
        all.sort((a, b) -> Long.compare(b.statement().millis(), a.statement().millis()));
        return all;
    }

    private static Running longer(Running a, Running b) {
        return a.statement().millis() >= b.statement().millis() ? a : b;
    }

    private static LongQuery statement(Map<String, String> row) {
        String ms = row.get("MS");
        return new LongQuery(
                String.valueOf(row.get("ID")),
                String.valueOf(row.get("USER")),
                ms == null ? 0 : Math.max(0, new BigDecimal(ms).longValue()),
                String.valueOf(row.get("QUERY")));
    }
}
