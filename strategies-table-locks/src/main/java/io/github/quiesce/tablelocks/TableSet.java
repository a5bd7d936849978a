package io.github.quiesce.tablelocks;

import io.github.quiesce.LockAcquisitionException;
import io.github.quiesce.spi.Sql;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The tables to lock, as {@code information_schema.TABLES} listed them at one moment ({@link Statements#LIST_TABLES}).
 *
 * @param tables          {@code schema.table} of each, in the server's order
 * @param clauses         the validated, quoted {@code `schema`.`table` READ} clause of each
 * @param nonTransactional {@code schema.table (ENGINE)} of each table that is not InnoDB
 */
record TableSet(List<String> tables, List<String> clauses, List<String> nonTransactional) {

    static TableSet read(Sql sql) {
        return of(sql.rows(Statements.LIST_TABLES), sql.server());
    }

    /** From the rows of {@link Statements#LIST_TABLES}. */
    static TableSet of(List<Map<String, String>> rows, String server) {
        List<String> tables = new ArrayList<>();
        List<String> clauses = new ArrayList<>();
        List<String> nonTransactional = new ArrayList<>();
        for (Map<String, String> row : rows) {
            String schema = row.get("table_schema");
            String table = row.get("table_name");
            String engine = row.get("engine");
            try {
                clauses.add(Statements.readClause(schema, table));
            } catch (IllegalArgumentException e) {
                throw new LockAcquisitionException(
                        "information_schema.TABLES on " + server + " listed a table whose name cannot be"
                                + " quoted safely (" + e.getMessage() + "); nothing was locked");
            }
            tables.add(schema + "." + table);
            if (engine != null
                    && !engine.isEmpty()
                    && !engine.toLowerCase(Locale.ROOT).equals("innodb")) {
                nonTransactional.add(schema + "." + table + " (" + engine + ")");
            }
        }
        return new TableSet(List.copyOf(tables), List.copyOf(clauses), List.copyOf(nonTransactional));
    }

    /** Tables listed now that were not in this set: created since (or renamed into place). */
    Set<String> addedIn(TableSet now) {
        Set<String> added = new LinkedHashSet<>(now.tables);
        added.removeAll(Set.copyOf(tables));
        return added;
    }

    int size() {
        return tables.size();
    }

    static String describe(Iterable<String> names, int max) {
        StringBuilder sb = new StringBuilder();
        int n = 0;
        for (String name : names) {
            if (n == max) {
                sb.append(" and more");
                break;
            }
            sb.append(n == 0 ? "" : ", ").append(name);
            n++;
        }
        return sb.toString();
    }
}
