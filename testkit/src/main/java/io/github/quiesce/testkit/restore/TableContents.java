package io.github.quiesce.testkit.restore;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A table's rows as a multiset of their full text, all columns. A table without a key has no order and
 * may hold equal rows, so neither an ordered hash nor CHECKSUM TABLE (which depends on the row format)
 * is trusted; counting each distinct row on both sides also says how many rows are missing or extra.
 */
public final class TableContents {

    private static final String NULL = "\u2400";
    private static final char SEPARATOR = '\u241f';

    private final Map<String, Integer> rows;
    private final long count;

    private TableContents(Map<String, Integer> rows, long count) {
        this.rows = rows;
        this.count = count;
    }

    public static TableContents read(Connection c, String schema, String table) throws SQLException {
        Map<String, Integer> rows = new HashMap<>();
        long count = 0;
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT * FROM " + Identifiers.qualified(schema, table))) {
            int columns = rs.getMetaData().getColumnCount();
            StringBuilder row = new StringBuilder();
            while (rs.next()) {
                row.setLength(0);
                for (int i = 1; i <= columns; i++) {
                    String v = rs.getString(i);
                    row.append(v == null ? NULL : v).append(SEPARATOR);
                }
                rows.merge(row.toString(), 1, Integer::sum);
                count++;
            }
        }
        return new TableContents(rows, count);
    }

    public long count() {
        return count;
    }

    /** Rows (with multiplicity) here and not in {@code other}. */
    public long missingFrom(TableContents other) {
        long n = 0;
        for (Map.Entry<String, Integer> e : rows.entrySet()) {
            n += Math.max(0, e.getValue() - other.rows.getOrDefault(e.getKey(), 0));
        }
        return n;
    }

    /**
     * Every difference between the schema on {@code source} and on {@code copy}, one line per table that
     * differs (a table on one side only included); empty when they hold the same rows.
     */
    public static List<String> differences(Connection source, Connection copy, String schema) throws SQLException {
        List<String> onSource = SchemaTables.names(source, schema);
        List<String> onCopy = SchemaTables.names(copy, schema);
        TreeSet<String> tables = new TreeSet<>(onSource);
        tables.addAll(onCopy);
        List<String> out = new ArrayList<>();
        for (String table : tables) {
            if (!onSource.contains(table) || !onCopy.contains(table)) {
                out.add(schema + "." + table + " exists on the " + (onSource.contains(table) ? "source" : "copy")
                        + " only");
                continue;
            }
            TableContents s = read(source, schema, table);
            TableContents c = read(copy, schema, table);
            long lost = s.missingFrom(c);
            long extra = c.missingFrom(s);
            if (lost != 0 || extra != 0) {
                out.add(schema + "." + table + ": " + s.count() + " rows on the source, " + c.count() + " on the copy; "
                        + lost + " source rows missing from the copy, " + extra + " copy rows not on the source");
            }
        }
        return out;
    }
}
