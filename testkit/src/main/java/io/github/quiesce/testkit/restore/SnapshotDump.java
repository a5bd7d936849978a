package io.github.quiesce.testkit.restore;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A logical copy of one schema made the way mydumper and MySQL Shell make theirs: tables spread over the
 * snapshot connections and read in parallel, each connection inside its consistent-snapshot transaction.
 * If those transactions do not all see the same instant, or not the instant the coordinates name, the
 * copy is wrong in exactly the way a real parallel dump would be. Held in memory: the oracle's tables are small.
 */
public final class SnapshotDump {

    /** Rows per multi-row INSERT when loading: far below max_allowed_packet for these rows. */
    private static final int ROWS_PER_INSERT = 250;

    private final String schema;
    private final List<TableCopy> tables;

    private SnapshotDump(String schema, List<TableCopy> tables) {
        this.schema = schema;
        this.tables = List.copyOf(tables);
    }

    /**
     * Copies every table of {@code schema}, table {@code i} on snapshot {@code i % n}, one thread per
     * snapshot. The connections stay open; their owner closes them.
     */
    public static SnapshotDump take(List<Connection> snapshots, String schema) {
        Identifiers.quoted(schema); // fails now, before any thread starts, on a name that cannot be quoted
        List<String> names;
        try {
            names = SchemaTables.names(snapshots.get(0), schema);
        } catch (SQLException e) {
            throw new IllegalStateException("Could not list the tables of " + schema + ": " + e.getMessage(), e);
        }
        ExecutorService pool = Executors.newFixedThreadPool(snapshots.size(), r -> {
            Thread t = new Thread(r, "snapshot-dump");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<List<TableCopy>>> parts = new ArrayList<>();
            for (int i = 0; i < snapshots.size(); i++) {
                Connection c = snapshots.get(i);
                List<String> mine = new ArrayList<>();
                for (int t = i; t < names.size(); t += snapshots.size()) {
                    mine.add(names.get(t));
                }
                parts.add(pool.submit(() -> copyAll(c, schema, mine)));
            }
            List<TableCopy> copies = new ArrayList<>();
            for (Future<List<TableCopy>> part : parts) {
                copies.addAll(part.get());
            }
            return new SnapshotDump(schema, copies);
        } catch (ExecutionException e) {
            throw new IllegalStateException(
                    "Dumping " + schema + " failed: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while dumping " + schema, e);
        } finally {
            pool.shutdownNow();
        }
    }

    private static List<TableCopy> copyAll(Connection c, String schema, List<String> tables) throws SQLException {
        List<TableCopy> out = new ArrayList<>();
        for (String table : tables) {
            out.add(copy(c, schema, table));
        }
        return out;
    }

    private static TableCopy copy(Connection c, String schema, String table) throws SQLException {
        String qualified = Identifiers.qualified(schema, table);
        try (Statement st = c.createStatement()) {
            String create;
            try (ResultSet rs = st.executeQuery("SHOW CREATE TABLE " + qualified)) {
                rs.next();
                create = rs.getString(2);
            }
            try (ResultSet rs = st.executeQuery("SELECT * FROM " + qualified)) {
                ResultSetMetaData md = rs.getMetaData();
                List<String> columns = new ArrayList<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    columns.add(md.getColumnName(i));
                }
                List<Object[]> rows = new ArrayList<>();
                while (rs.next()) {
                    Object[] row = new Object[columns.size()];
                    for (int i = 0; i < row.length; i++) {
                        row[i] = rs.getObject(i + 1);
                    }
                    rows.add(row);
                }
                return new TableCopy(table, create, columns, rows);
            }
        }
    }

    public String schema() {
        return schema;
    }

    public List<TableCopy> tables() {
        return Collections.unmodifiableList(tables);
    }

    public long rows() {
        return tables.stream().mapToLong(t -> t.rows().size()).sum();
    }

    /**
     * Re-creates the schema on {@code target} (which must not have it) and inserts every row. Whether
     * this is binary-logged is the caller's session setting.
     */
    public void loadInto(Connection target) throws SQLException {
        try (Statement st = target.createStatement()) {
            st.execute("CREATE DATABASE " + Identifiers.quoted(schema));
            st.execute("USE " + Identifiers.quoted(schema));
            for (TableCopy t : tables) {
                st.execute(t.createStatement());
            }
        }
        for (TableCopy t : tables) {
            insertRows(target, t);
        }
    }

    private void insertRows(Connection target, TableCopy t) throws SQLException {
        List<Object[]> rows = t.rows();
        for (int from = 0; from < rows.size(); from += ROWS_PER_INSERT) {
            List<Object[]> chunk = rows.subList(from, Math.min(rows.size(), from + ROWS_PER_INSERT));
            try (PreparedStatement ps = target.prepareStatement(insertStatement(t, chunk.size()))) {
                int p = 1;
                for (Object[] row : chunk) {
                    for (Object value : row) {
                        ps.setObject(p++, value);
                    }
                }
                ps.executeUpdate();
            }
        }
    }

    private String insertStatement(TableCopy t, int rowCount) {
        List<String> quoted = t.columns().stream().map(Identifiers::quoted).toList();
        String tuple = "(" + String.join(", ", Collections.nCopies(quoted.size(), "?")) + ")";
        return "INSERT INTO " + Identifiers.qualified(schema, t.name()) + " (" + String.join(", ", quoted) + ") VALUES "
                + String.join(", ", Collections.nCopies(rowCount, tuple));
    }
}
