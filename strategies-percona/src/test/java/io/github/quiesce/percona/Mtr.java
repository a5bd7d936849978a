package io.github.quiesce.percona;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A small mysqltest: named connections ({@code --connect}, {@code --connection}), statements that must
 * succeed or fail with an MTR error name ({@code --error}), {@code --send}/{@code --reap}, and
 * include/wait_condition.inc. It records every statement it runs and every error it expects, for the
 * coverage check.
 */
final class Mtr implements AutoCloseable {

    private final ConformanceTarget target;
    private final Map<String, Con> connections = new LinkedHashMap<>();
    private final List<String> executed;
    private final Set<MtrError> expected;

    Mtr(ConformanceTarget target, List<String> executed, Set<MtrError> expected) {
        this.target = target;
        this.executed = executed;
        this.expected = expected;
    }

    PerconaGeneration generation() {
        return target.generation();
    }

    /** The named connection as the administrative account, connected on first use ({@code default}, {@code con1}...). */
    Con con(String name) {
        Con c = connections.get(name);
        if (c == null) {
            try {
                c = new Con(name, target.connect());
            } catch (SQLException e) {
                throw new AssertionError("cannot connect " + name + ": " + e, e);
            }
            connections.put(name, c);
        }
        return c;
    }

    /** {@code --connect(name, localhost, user, ,)}. */
    Con connectAs(String name, String user) {
        try {
            Con c = new Con(name, target.connect(user));
            connections.put(name, c);
            return c;
        } catch (SQLException e) {
            throw new AssertionError("cannot connect " + name + " as " + user + ": " + e, e);
        }
    }

    /** include/wait_condition.inc: polls until the query returns 1, for up to 10 s. */
    void waitCondition(String connection, String query) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        String last = null;
        while (System.nanoTime() < deadline) {
            last = con(connection).value(query);
            if ("1".equals(last)) {
                return;
            }
            sleep(20);
        }
        fail("wait_condition never became true (last " + last + "): " + query);
    }

    @Override
    public void close() {
        for (Con c : connections.values()) {
            c.close();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** One named connection. */
    final class Con {
        private final String name;
        private final Connection connection;
        /** What a sent statement ended with: an error, or (for a query) its rows. */
        private record Outcome(SQLException error, List<Map<String, String>> rows) {}

        private CompletableFuture<Outcome> pending;

        Con(String name, Connection connection) {
            this.name = name;
            this.connection = connection;
        }

        /** CONNECTION_ID(). */
        long id() {
            return Long.parseLong(value("SELECT CONNECTION_ID()"));
        }

        void ok(String sql) {
            SQLException e = run(sql);
            if (e != null) {
                fail(name + ": expected success of '" + sql + "' but got error " + e.getErrorCode() + " ("
                        + e.getSQLState() + "): " + e.getMessage());
            }
        }

        void error(MtrError error, String sql) {
            expected.add(error);
            SQLException e = run(sql);
            expect(error, sql, e);
        }

        /** Runs a statement with {@code ?} parameters; it is recorded as written, with its placeholders. */
        void okPrepared(String sql, Object... parameters) {
            executed.add(sql);
            try (PreparedStatement ps = connection.prepareStatement(sql)) {
                for (int i = 0; i < parameters.length; i++) {
                    ps.setObject(i + 1, parameters[i]);
                }
                ps.execute();
            } catch (SQLException e) {
                fail(name + ": expected success of '" + sql + "' but got error " + e.getErrorCode() + ": "
                        + e.getMessage());
            }
        }

        List<Map<String, String>> rows(String sql) {
            try {
                return query(sql);
            } catch (SQLException e) {
                throw new AssertionError(
                        name + ": '" + sql + "' failed with " + e.getErrorCode() + ": " + e.getMessage(), e);
            }
        }

        private List<Map<String, String>> query(String sql) throws SQLException {
            executed.add(sql);
            try (Statement st = connection.createStatement();
                    ResultSet rs = st.executeQuery(sql)) {
                List<Map<String, String>> rows = new ArrayList<>();
                int n = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    Map<String, String> row = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
                    for (int i = 1; i <= n; i++) {
                        row.put(rs.getMetaData().getColumnLabel(i), rs.getString(i));
                    }
                    row.put("#1", rs.getString(1));
                    rows.add(row);
                }
                return rows;
            }
        }

        /** The first column of the first row, or null. */
        String value(String sql) {
            List<Map<String, String>> rows = rows(sql);
            return rows.isEmpty() ? null : rows.get(0).get("#1");
        }

        /** {@code SHOW [GLOBAL] STATUS / VARIABLES LIKE ...} as name to value. */
        Map<String, String> nameValues(String sql) {
            Map<String, String> out = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            for (Map<String, String> row : rows(sql)) {
                out.put(row.get("Variable_name"), row.get("Value"));
            }
            return out;
        }

        /** {@code --send}. */
        void send(String sql) {
            assertThat(pending).as("%s already has a statement sent", name).isNull();
            pending = CompletableFuture.supplyAsync(() -> new Outcome(run(sql), List.of()));
        }

        /** {@code --send} of a query whose rows {@link #reapRows} returns. */
        void sendQuery(String sql) {
            assertThat(pending).as("%s already has a statement sent", name).isNull();
            pending = CompletableFuture.supplyAsync(() -> {
                try {
                    return new Outcome(null, query(sql));
                } catch (SQLException e) {
                    return new Outcome(e, List.of());
                }
            });
        }

        void reapOk() {
            SQLException e = reap().error();
            if (e != null) {
                fail(name + ": expected the sent statement to succeed but got " + e.getErrorCode() + ": "
                        + e.getMessage());
            }
        }

        List<Map<String, String>> reapRows() {
            Outcome o = reap();
            if (o.error() != null) {
                fail(name + ": expected the sent query to succeed but got "
                        + o.error().getErrorCode() + ": " + o.error().getMessage());
            }
            return o.rows();
        }

        void reapError(MtrError error) {
            expected.add(error);
            expect(error, "(reaped)", reap().error());
        }

        private Outcome reap() {
            try {
                return pending.get(60, TimeUnit.SECONDS);
            } catch (InterruptedException | ExecutionException | java.util.concurrent.TimeoutException e) {
                throw new AssertionError(name + ": the sent statement did not end: " + e, e);
            } finally {
                pending = null;
            }
        }

        private void expect(MtrError error, String sql, SQLException e) {
            if (e == null) {
                fail(name + ": expected " + error + " from '" + sql + "' but it succeeded");
            }
            if (!error.matches(generation(), e)) {
                fail(name + ": expected " + error + " from '" + sql + "' but got error " + e.getErrorCode() + " ("
                        + e.getSQLState() + "): " + e.getMessage());
            }
        }

        private SQLException run(String sql) {
            executed.add(sql);
            try (Statement st = connection.createStatement()) {
                st.execute(sql);
                return null;
            } catch (SQLException e) {
                return e;
            }
        }

        private void close() {
            try {
                if (pending != null) {
                    pending.get(60, TimeUnit.SECONDS);
                }
            } catch (Exception e) {
                // closing anyway
            }
            try {
                connection.close();
            } catch (SQLException e) {
                // the case is over
            }
        }
    }
}
