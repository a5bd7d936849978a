package io.github.quiesce.testkit.restore;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** The base tables of a schema as one connection sees them, in name order. */
final class SchemaTables {

    private static final String LIST = "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?"
            + " AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME";

    private SchemaTables() {}

    static List<String> names(Connection c, String schema) throws SQLException {
        List<String> names = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(LIST)) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
        }
        return names;
    }
}
