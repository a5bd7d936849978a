package io.github.quiesce.internal;

import io.github.quiesce.ServerConnectionException;
import io.github.quiesce.spi.Snapshots;
import io.github.quiesce.spi.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
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
 * The snapshot connections of one {@link io.github.quiesce.BackupSession#snapshotConnections} call.
 * They are connected before the strategy looks for its point ({@link #connectUpTo}), in parallel, and
 * with {@link io.github.quiesce.BackupOptions#prepareSnapshots} before the lock: opening them at the
 * point then costs one short statement each, started together, so the writers' stall does not grow
 * with their number, and the less time between a strategy's two reads, the likelier nothing commits
 * in between.
 */
final class SnapshotSet implements Snapshots {

    /** When the caller asked for no snapshots. */
    static final SnapshotSet NONE = new SnapshotSet(null, "");

    private static final Logger LOG = LoggerFactory.getLogger(SnapshotSet.class);

    /** Long enough to be past the commits the lock held, short enough to leave no thread behind for long. */
    private static final Duration STARTERS_LINGER = Duration.ofSeconds(1);

    private final DataSource dataSource;
    private final String server;
    private final List<Connection> connections = new ArrayList<>();
    private boolean started;
    private ExecutorService workers;
    private int workerThreads;

    SnapshotSet(DataSource dataSource, String server) {
        this.dataSource = dataSource;
        this.server = server;
    }

    /**
     * Makes the set exactly {@code count} connections: connects the missing ones in parallel, closes any
     * beyond it. On failure closes every connection of the set.
     */
    void connectUpTo(int count) {
        while (connections.size() > count) {
            close(connections.remove(connections.size() - 1));
        }
        int missing = count - connections.size();
        if (missing == 0) {
            return;
        }
        long start = System.nanoTime();
        ensureWorkers(count);
        List<CompletableFuture<Connection>> opening = new ArrayList<>();
        for (int i = 0; i < missing; i++) {
            opening.add(CompletableFuture.supplyAsync(this::connectOne, workers));
        }
        SQLException failure = null;
        for (CompletableFuture<Connection> f : opening) {
            try {
                connections.add(f.join());
            } catch (CompletionException e) {
                if (failure == null) {
                    failure = e.getCause() instanceof UncheckedSql u ? u.getCause() : new SQLException(e.getCause());
                }
            }
        }
        if (failure != null) {
            closeAll();
            throw new ServerConnectionException(
                    "Could not take " + count + " snapshot connections from the DataSource"
                            + " (is the pool large enough for the session's connection plus these?): "
                            + failure.getMessage(),
                    failure,
                    null,
                    server);
        }
        LOG.debug(
                "quiesce: {} snapshot connection(s) to {} taken in {} ms",
                missing,
                server,
                (System.nanoTime() - start) / 1_000_000);
    }

    private Connection connectOne() {
        Connection c = null;
        try {
            c = dataSource.getConnection();
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            c.setAutoCommit(false);
            return c;
        } catch (SQLException e) {
            if (c != null) {
                close(c);
            }
            throw new UncheckedSql(e);
        }
    }

    /** Carries a driver error out of a worker thread. */
    private static final class UncheckedSql extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UncheckedSql(SQLException cause) {
            super(cause);
        }

        @Override
        public synchronized SQLException getCause() {
            return (SQLException) super.getCause();
        }
    }

    /** One thread per connection, so that every connect and every snapshot start runs at once. */
    private void ensureWorkers(int count) {
        if (workers != null && workerThreads >= count) {
            return;
        }
        stopStarters();
        workerThreads = count;
        AtomicInteger threads = new AtomicInteger();
        workers = Executors.newFixedThreadPool(count, r -> {
            Thread t = new Thread(r, "quiesce-snapshot-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public int requested() {
        return connections.size();
    }

    @Override
    public void open() {
        open(START);
    }

    /** Starts all transactions at once, one thread each, so they begin within one round trip of each other. */
    @Override
    public void open(String startStatement, Object... parameters) {
        if (connections.isEmpty()) {
            return;
        }
        if (started) {
            discard();
        }
        List<CompletableFuture<Void>> starts = new ArrayList<>();
        for (int i = 0; i < connections.size(); i++) {
            Sql sql = new JdbcSql(connections.get(i), "snapshot-" + (i + 1), server);
            Runnable start = parameters.length == 0
                    ? () -> sql.execute(startStatement)
                    : () -> sql.execute(startStatement, parameters);
            starts.add(CompletableFuture.runAsync(start, workers));
        }
        started = true;
        RuntimeException failure = null;
        for (CompletableFuture<Void> f : starts) {
            try {
                f.join();
            } catch (CompletionException e) {
                failure = failure != null
                        ? failure
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

    /** The caller's from now on: closing one ends its transaction. Call {@link #stopStartersSoon} after the release. */
    List<Connection> handOver() {
        List<Connection> theirs = List.copyOf(connections);
        connections.clear();
        return theirs;
    }

    /**
     * Ends the starter threads a moment after the release instead of at once. Ending 128 of them costs CPU
     * the writers need: under the lock it put 30 ms between the last snapshot and the unlock; right after
     * it, it made the release itself take a median 14 ms instead of 3 (MySQL 8.0.15, 2 CPUs, 128 workers,
     * traced runs), while the commits the lock had held were finishing.
     */
    void stopStartersSoon() {
        ExecutorService starters = workers;
        workers = null;
        if (starters != null) {
            Timers.after(STARTERS_LINGER, starters::shutdownNow);
        }
    }

    private void stopStarters() {
        if (workers != null) {
            workers.shutdownNow();
            workers = null;
        }
    }

    void closeAll() {
        stopStarters();
        connections.forEach(SnapshotSet::close);
        connections.clear();
        started = false;
    }

    private static void close(Connection c) {
        try {
            c.close();
        } catch (SQLException e) {
            LOG.debug("Closing a snapshot connection failed: {}", e.toString());
        }
    }
}
