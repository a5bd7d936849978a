package io.github.quiesce;

import io.github.quiesce.spi.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/** A short-lived second connection, for undoing global settings after the lock connection was lost. */
final class FreshConnection implements AutoCloseable {

    private final Connection connection;
    private final Sql sql;

    FreshConnection(Connection connection, Sql sql) {
        this.connection = connection;
        this.sql = sql;
    }

    static FreshConnection open(DataSource dataSource, String owner, String server) {
        try {
            Connection c = dataSource.getConnection();
            return new FreshConnection(c, new Sql(c, owner, server));
        } catch (SQLException e) {
            throw new ServerConnectionException("Could not open a second connection to " + server + ": " + e.getMessage(), e, null, server);
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
