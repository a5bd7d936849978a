package io.github.quiesce.internal;

import io.github.quiesce.BackupSqlException;
import io.github.quiesce.spi.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Sql} of every connection quiesce opens: logs each statement at DEBUG with its duration,
 * tells the session's {@link Observer} (which turns it into a listener event), and turns driver errors
 * into {@link BackupSqlException}s that carry the statement, SQLState, vendor code and server.
 */
final class JdbcSql implements Sql {

    private static final Logger LOG = LoggerFactory.getLogger(Sql.class);

    /** Told of every statement run, after it ran (the session turns it into a listener event). */
    @FunctionalInterface
    public interface Observer {
        Observer NONE = (owner, statement, nanos, outcome) -> {};

        void executed(String owner, String statement, long nanos, String outcome);
    }

    private final Connection connection;
    private final String owner;
    private final String server;
    private final Observer observer;

    public JdbcSql(Connection connection, String owner, String server) {
        this(connection, owner, server, Observer.NONE);
    }

    public JdbcSql(Connection connection, String owner, String server, Observer observer) {
        this.connection = Objects.requireNonNull(connection, "connection");
        this.owner = Objects.requireNonNull(owner, "owner");
        this.server = server;
        this.observer = Objects.requireNonNull(observer, "observer");
    }

    @Override
    public JdbcSql as(String newOwner) {
        return new JdbcSql(connection, newOwner, server, observer);
    }

    /** Another connection, logged and observed like this one. */
    JdbcSql on(Connection other, String newOwner) {
        return new JdbcSql(other, newOwner, server, observer);
    }

    @Override
    public String server() {
        return server;
    }

    @Override
    public void execute(String statement) {
        long start = System.nanoTime();
        try (Statement st = connection.createStatement()) {
            st.execute(statement);
            logged(statement, start, "ok");
        } catch (SQLException e) {
            throw failed(statement, start, e);
        }
    }

    @Override
    public void execute(String statement, Object... parameters) {
        long start = System.nanoTime();
        try (PreparedStatement ps = connection.prepareStatement(statement)) {
            bind(ps, parameters);
            ps.execute();
            logged(statement, start, "ok");
        } catch (SQLException e) {
            throw failed(statement, start, e);
        }
    }

    @Override
    public List<Map<String, String>> rows(String statement, Object... parameters) {
        long start = System.nanoTime();
        try (PreparedStatement ps = connection.prepareStatement(statement)) {
            bind(ps, parameters);
            List<Map<String, String>> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                ResultSetMetaData md = rs.getMetaData();
                while (rs.next()) {
                    Map<String, String> row = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
                    for (int c = 1; c <= md.getColumnCount(); c++) {
                        row.put(md.getColumnLabel(c), rs.getString(c));
                    }
                    rows.add(Collections.unmodifiableMap(row));
                }
            }
            logged(statement, start, rows.size() + " row(s)");
            return rows;
        } catch (SQLException e) {
            throw failed(statement, start, e);
        }
    }

    @Override
    public Optional<Map<String, String>> firstRow(String statement, Object... parameters) {
        List<Map<String, String>> rows = rows(statement, parameters);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    @Override
    public String scalar(String statement, Object... parameters) {
        long start = System.nanoTime();
        try (PreparedStatement ps = connection.prepareStatement(statement)) {
            bind(ps, parameters);
            try (ResultSet rs = ps.executeQuery()) {
                String value = rs.next() ? rs.getString(1) : null;
                logged(statement, start, "ok");
                return value;
            }
        } catch (SQLException e) {
            throw failed(statement, start, e);
        }
    }

    private static void bind(PreparedStatement ps, Object[] parameters) throws SQLException {
        for (int i = 0; i < parameters.length; i++) {
            ps.setObject(i + 1, parameters[i]);
        }
    }

    private void logged(String statement, long startNanos, String outcome) {
        long nanos = System.nanoTime() - startNanos;
        if (LOG.isDebugEnabled()) {
            LOG.debug("[{}] {} -> {} in {} ms", owner, statement, outcome, millis(nanos));
        }
        observer.executed(owner, statement, nanos, outcome);
    }

    private BackupSqlException failed(String statement, long startNanos, SQLException e) {
        long nanos = System.nanoTime() - startNanos;
        LOG.debug(
                "[{}] {} -> failed in {} ms: SQLState {}, error {}: {}",
                owner,
                statement,
                millis(nanos),
                e.getSQLState(),
                e.getErrorCode(),
                e.getMessage());
        observer.executed(
                owner, statement, nanos, "failed: SQLState " + e.getSQLState() + ", error " + e.getErrorCode());
        return new BackupSqlException(statement + " failed: " + e.getMessage(), e, statement, server);
    }

    private static String millis(long nanos) {
        return String.format(java.util.Locale.ROOT, "%.1f", nanos / 1e6);
    }
}
