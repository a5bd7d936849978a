package io.github.quiesce.testkit.scripted;

import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.List;

/** Read-only, forward-only result sets over scripted rows. */
final class ResultSets {

    private ResultSets() {}

    static ResultSet of(ScriptedServer.Result result) {
        List<String> cols = result.columns();
        int[] row = {-1};
        ResultSetMetaData md = ScriptedServer.proxy(ResultSetMetaData.class, (p, m, a) -> switch (m.getName()) {
            case "getColumnCount" -> cols.size();
            case "getColumnLabel", "getColumnName" -> cols.get((Integer) a[0] - 1);
            default -> ScriptedServer.defaultValue(m.getReturnType());
        });
        return ScriptedServer.proxy(ResultSet.class, (p, m, a) -> switch (m.getName()) {
            case "next" -> ++row[0] < result.rows().size();
            case "getMetaData" -> md;
            case "getString" -> value(result, row[0], a[0]);
            case "getLong" -> {
                String v = value(result, row[0], a[0]);
                yield v == null ? 0L : Long.parseLong(v);
            }
            case "getInt" -> {
                String v = value(result, row[0], a[0]);
                yield v == null ? 0 : Integer.parseInt(v);
            }
            case "wasNull" -> false;
            case "close" -> null;
            case "hashCode" -> System.identityHashCode(p);
            case "equals" -> p == a[0];
            default -> ScriptedServer.defaultValue(m.getReturnType());
        });
    }

    private static String value(ScriptedServer.Result result, int row, Object column) throws SQLException {
        int idx;
        if (column instanceof Integer i) {
            idx = i - 1;
        } else {
            idx = -1;
            for (int c = 0; c < result.columns().size(); c++) {
                if (result.columns().get(c).equalsIgnoreCase((String) column)) {
                    idx = c;
                }
            }
            if (idx < 0) {
                throw new SQLException("Column '" + column + "' not found.", "S0022");
            }
        }
        return result.rows().get(row).get(idx);
    }
}
