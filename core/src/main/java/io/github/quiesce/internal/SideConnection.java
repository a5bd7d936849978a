package io.github.quiesce.internal;

import io.github.quiesce.ServerConnectionException;
import io.github.quiesce.spi.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * The side connection: short-lived, beside the lock connection, for what the lock connection cannot do
 * itself (cancel its own statement, kill it when lost, undo global settings after it was lost).
 */
final class SideConnection implements AutoCloseable {

    private final Connection connection;
    private final Sql sql;

    SideConnection(Connection connection, Sql sql) {
        this.connection = connection;
        this.sql = sql;
    }

    static SideConnection open(DataSource dataSource, String owner, String server) {
        try {
            Connection c = dataSource.getConnection();
            return new SideConnection(c, new JdbcSql(c, owner, server));
        } catch (SQLException e) {
            throw new ServerConnectionException(
                    "Could not open a side connection to " + server + ": " + e.getMessage(), e, null, server);
        }
    }

    Sql sql() {
        return sql;
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // Nothing rests on it: it held no lock.
        }
    }
}
