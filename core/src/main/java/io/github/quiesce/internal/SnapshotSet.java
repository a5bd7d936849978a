package io.github.quiesce.internal;

import io.github.quiesce.ServerConnectionException;
import io.github.quiesce.spi.Snapshots;
import io.github.quiesce.spi.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The snapshot connections of one {@link BackupSession#snapshotConnections} call. They are connected
 * before the strategy looks for its point ({@link #connect}), so that opening them at the point costs
 * one short statement each: the less time between the strategy's two reads, the likelier nothing
 * commits in between.
 */
final class SnapshotSet implements Snapshots {

    /** When the caller asked for no snapshots. */
    static final SnapshotSet NONE = new SnapshotSet(null, 0, "");

    private static final Logger LOG = LoggerFactory.getLogger(SnapshotSet.class);

    private final DataSource dataSource;
    private final int requested;
    private final String server;
    private final List<Connection> connections = new ArrayList<>();
    private boolean started;
    private ExecutorService starters;

    SnapshotSet(DataSource dataSource, int requested, String server) {
        this.dataSource = dataSource;
        this.requested = requested;
        this.server = server;
    }

    /** Takes the connections from the DataSource; on failure closes those already taken. */
    void connect() {
        AtomicInteger threads = new AtomicInteger();
        starters = Executors.newFixedThreadPool(requested, r -> {
            Thread t = new Thread(r, "quiesce-snapshot-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            for (int i = 0; i < requested; i++) {
                Connection c = dataSource.getConnection();
                connections.add(c);
                c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
                c.setAutoCommit(false);
            }
        } catch (SQLException e) {
            closeAll();
            throw new ServerConnectionException("Could not take " + requested + " snapshot connections from the DataSource"
                    + " (is the pool large enough for the session's connection plus these?): " + e.getMessage(), e, null, server);
        }
    }

    @Override
    public int requested() {
        return requested;
    }

    @Override
    public void open() {
        open(START);
    }

    /** Starts all transactions at once, one thread each, so they begin within one round trip of each other. */
    @Override
    public void open(String startStatement, Object... parameters) {
        if (requested == 0) {
            return;
        }
        if (started) {
            discard();
        }
        List<CompletableFuture<Void>> starts = new ArrayList<>();
        for (int i = 0; i < connections.size(); i++) {
            Sql sql = new JdbcSql(connections.get(i), "snapshot-" + (i + 1), server);
            Runnable start = parameters.length == 0 ? () -> sql.execute(startStatement) : () -> sql.execute(startStatement, parameters);
            starts.add(CompletableFuture.runAsync(start, starters));
        }
        started = true;
        RuntimeException failure = null;
        for (CompletableFuture<Void> f : starts) {
            try {
                f.join();
            } catch (CompletionException e) {
                failure = failure != null ? failure
                        : e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public void discard() {
        for (Connection c : connections) {
            try {
                c.rollback();
            } catch (SQLException e) {
                LOG.debug("Rolling back a snapshot transaction failed: {}", e.toString());
            }
        }
        started = false;
    }

    boolean started() {
        return started;
    }

    List<Connection> handOver() {
        stopStarters();
        return List.copyOf(connections);
    }

    private void stopStarters() {
        if (starters != null) {
            starters.shutdownNow();
        }
    }

    void closeAll() {
        stopStarters();
        for (Connection c : connections) {
            try {
                c.close();
            } catch (SQLException e) {
                LOG.debug("Closing a snapshot connection failed: {}", e.toString());
            }
        }
        connections.clear();
        started = false;
    }
}
