package io.github.quiesce.internal;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes a connection for real, so that a pool never hands out a connection that may still hold a
 * lock (HikariCP #2309: table locks survived close() of a pooled connection).
 */
final class ConnectionDisposal {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionDisposal.class);

    private ConnectionDisposal() {}

    static void discard(DataSource dataSource, Connection connection) {
        if (evictFromHikari(dataSource, connection)) {
            return;
        }
        try {
            connection.abort(Runnable::run);
        } catch (SQLException | RuntimeException e) {
            LOG.debug("abort() of the lock connection failed: {}", e.toString());
        }
        try {
            connection.close();
        } catch (SQLException | RuntimeException e) {
            LOG.debug("close() after abort() failed: {}", e.toString());
        }
    }

    private static boolean evictFromHikari(DataSource dataSource, Connection connection) {
        try {
            if (dataSource.isWrapperFor(HikariDataSource.class)) {
                dataSource.unwrap(HikariDataSource.class).evictConnection(connection);
                return true;
            }
        } catch (NoClassDefFoundError absent) {
            // HikariCP is optional; without it abort() below does the job.
        } catch (SQLException | RuntimeException e) {
            LOG.debug("HikariCP eviction failed: {}", e.toString());
        }
        return false;
    }
}
