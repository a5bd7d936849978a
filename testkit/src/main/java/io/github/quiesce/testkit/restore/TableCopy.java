package io.github.quiesce.testkit.restore;

import java.util.List;

/**
 * One table as a snapshot saw it: enough to re-create it elsewhere.
 *
 * @param name            the table's name
 * @param createStatement SHOW CREATE TABLE's text (unqualified: run it in the schema)
 * @param columns         column names, in order
 * @param rows            values as JDBC returned them, one array per row, in {@code columns} order
 */
public record TableCopy(String name, String createStatement, List<String> columns, List<Object[]> rows) {

    public TableCopy {
        columns = List.copyOf(columns);
        rows = List.copyOf(rows);
    }
}
