package io.github.quiesce.examples;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Writes one table to an RFC 4180 CSV file, streaming rows; lists a schema's tables. */
final class CsvDump {

    /** Unquoted identifiers only: a schema name typed by a user goes into SQL as a bound parameter or not at all. */
    private static final Pattern SCHEMA_NAME = Pattern.compile("[A-Za-z0-9_$]{1,64}");

    private static final String LIST_TABLES = "SELECT TABLE_NAME FROM information_schema.TABLES"
            + " WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME";

    private CsvDump() {}

    static String requireSchemaName(String schema) {
        if (schema == null || !SCHEMA_NAME.matcher(schema).matches()) {
            throw new IllegalArgumentException(
                    "schema must be 1-64 characters of A-Z, a-z, 0-9, _ or $, was '" + schema + "'");
        }
        return schema;
    }

    static List<String> tables(Connection c, String schema) throws SQLException {
        List<String> tables = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(LIST_TABLES)) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
        }
        return tables;
    }

    /** Table names come from information_schema and may hold any character; the file name must not. */
    static Path fileFor(Path directory, String table) {
        return directory.resolve(table.replaceAll("[^A-Za-z0-9_$.-]", "_") + ".csv");
    }

    /** @return the number of data rows written (the header is not one) */
    static long write(Connection c, String schema, String table, Path file) throws SQLException {
        String select = "SELECT * FROM " + quote(schema) + "." + quote(table);
        try (Statement st = c.createStatement(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
                BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            // Connector/J streams row by row only with this fetch size; a big table would otherwise be buffered whole.
            st.setFetchSize(Integer.MIN_VALUE);
            try (ResultSet rs = st.executeQuery(select)) {
                ResultSetMetaData md = rs.getMetaData();
                int columns = md.getColumnCount();
                List<String> header = new ArrayList<>();
                for (int i = 1; i <= columns; i++) {
                    header.add(md.getColumnLabel(i));
                }
                line(out, header);
                long rows = 0;
                List<String> values = new ArrayList<>(columns);
                while (rs.next()) {
                    values.clear();
                    for (int i = 1; i <= columns; i++) {
                        values.add(rs.getString(i));
                    }
                    line(out, values);
                    rows++;
                }
                return rows;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write " + file, e);
        }
    }

    /** Names read from information_schema, quoted as the server does: backticks doubled. */
    static String quote(String identifier) {
        return "`" + identifier.replace("`", "``") + "`";
    }

    /** NULL is an empty field, an empty string is {@code ""}: the two stay distinguishable. */
    private static void line(BufferedWriter out, List<String> values) throws IOException {
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                out.write(',');
            }
            String v = values.get(i);
            if (v == null) {
                continue;
            }
            if (v.isEmpty()
                    || v.indexOf(',') >= 0
                    || v.indexOf('"') >= 0
                    || v.indexOf('\n') >= 0
                    || v.indexOf('\r') >= 0) {
                out.write('"');
                out.write(v.replace("\"", "\"\""));
                out.write('"');
            } else {
                out.write(v);
            }
        }
        out.write("\r\n");
    }
}
