package io.github.quiesce.tablelocks;

import io.github.quiesce.spi.support.InnodbTrxCache;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Every statement {@code table-locks} issues, in one place. Values are bound as {@code ?} parameters.
 * The one statement that must name objects, {@code LOCK TABLES}, is built here from names the server
 * listed itself, each validated and quoted by {@link #quote}; nothing a caller passes in reaches it.
 */
final class Statements {

    /**
     * Schemas never locked. information_schema and performance_schema hold no data; sys holds one
     * configuration table. mysql: see {@link TableLocksStrategy}'s class comment (its data-dictionary tables
     * cannot be locked on MySQL 8, and READ locks on the rest would stall the server's own writers).
     */
    static final String SKIPPED_SCHEMAS = "('mysql', 'sys', 'performance_schema', 'information_schema', 'ndbinfo')";

    /**
     * Every table that holds rows, in a stable order: base tables, and MariaDB's system-versioned tables
     * and sequences. Views are not locked (LOCK TABLES on a view locks the tables under it, which are locked
     * anyway). Temporary tables are not listed: they belong to their session and are not replicated as tables.
     */
    static final String LIST_TABLES =
            "SELECT TABLE_SCHEMA AS table_schema, TABLE_NAME AS table_name, COALESCE(ENGINE, '') AS engine"
                    + " FROM information_schema.TABLES WHERE TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED', 'SEQUENCE')"
                    + " AND TABLE_SCHEMA NOT IN " + SKIPPED_SCHEMAS + " ORDER BY TABLE_SCHEMA, TABLE_NAME";

    /** The lock statement's parts: {@code LOCK TABLES `s`.`t` READ, `s`.`u` READ}. */
    static final String LOCK_TABLES = "LOCK TABLES ";

    static final String READ = " READ";
    static final String SEPARATOR = ", ";

    static final String UNLOCK_TABLES = "UNLOCK TABLES";
    static final String SET_LOCK_WAIT_TIMEOUT = "SET SESSION lock_wait_timeout = ?";
    static final String CONNECTION_ID = "SELECT CONNECTION_ID()";

    /**
     * InnoDB transactions of other connections that have written or locked rows: each holds a
     * metadata lock on its tables until it ends, and {@code LOCK TABLES ... READ} waits for it while making
     * every new writer of those tables wait behind it. Needs PROCESS. Their start is kept in whole
     * seconds, so age is judged by seeing the same transaction twice, one threshold apart. The row marked
     * {@code own} is this connection's own transaction, which proves the look fresh
     * ({@link InnodbTrxCache#lookInOwnTransaction}).
     */
    static final String WRITE_TRANSACTIONS = "SELECT trx_id AS trx, trx_mysql_thread_id AS id,"
            + " trx_mysql_thread_id = CONNECTION_ID() AS own,"
            + " TIMESTAMPDIFF(SECOND, trx_started, NOW()) * 1000 AS ms, LEFT(COALESCE(trx_query, ''), 200) AS query"
            + " FROM information_schema.INNODB_TRX WHERE trx_mysql_thread_id = CONNECTION_ID()"
            + " OR trx_rows_modified > 0 OR trx_lock_structs > 0 ORDER BY trx_started";

    /** A name the server listed, as MySQL allows it: 1 to 64 characters, none of them NUL, inside the BMP. */
    private static final int MAX_NAME_LENGTH = 64;

    private Statements() {}

    /**
     * {@code `name`} with every backtick doubled; refuses a name the server could not have given (empty,
     * too long, a NUL or a supplementary character), so that a broken catalogue or driver never produces SQL.
     */
    static String quote(String name) {
        if (name == null || name.isEmpty() || name.length() > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("not a table or schema name: " + describe(name));
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '\0' || Character.isSurrogate(c)) {
                throw new IllegalArgumentException("not a table or schema name: " + describe(name));
            }
        }
        return "`" + name.replace("`", "``") + "`";
    }

    /** {@code `schema`.`table` READ}. */
    static String readClause(String schema, String table) {
        return quote(schema) + "." + quote(table) + READ;
    }

    /**
     * The lock statements for these clauses, each at most {@code maxBytes} long in UTF-8 (the server
     * refuses a statement longer than {@code max_allowed_packet}); one statement per connection, since a
     * second {@code LOCK TABLES} on a connection releases the first. A clause is never split.
     */
    static List<String> lockStatements(List<String> clauses, long maxBytes) {
        List<String> statements = new ArrayList<>();
        StringBuilder current = null;
        long bytes = 0;
        for (String clause : clauses) {
            long clauseBytes = clause.getBytes(StandardCharsets.UTF_8).length;
            if (current != null && bytes + SEPARATOR.length() + clauseBytes > maxBytes) {
                statements.add(current.toString());
                current = null;
            }
            if (current == null) {
                current = new StringBuilder(LOCK_TABLES).append(clause);
                bytes = LOCK_TABLES.length() + clauseBytes;
            } else {
                current.append(SEPARATOR).append(clause);
                bytes += SEPARATOR.length() + clauseBytes;
            }
        }
        if (current != null) {
            statements.add(current.toString());
        }
        return statements;
    }

    private static String describe(String name) {
        return name == null ? "null" : "'" + name.replace("\0", "\\0") + "' (" + name.length() + " chars)";
    }
}
