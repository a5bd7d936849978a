package io.github.quiesce;

import io.github.quiesce.spi.BinaryLogStatus;
import io.github.quiesce.spi.LockContext;
import io.github.quiesce.spi.LockStrategy;
import io.github.quiesce.spi.ReleaseAction;
import io.github.quiesce.spi.Snapshots;
import io.github.quiesce.spi.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A consistent point held on a MySQL-family server for as long as the session is open.
 *
 * <pre>{@code
 * try (BackupSession s = BackupSession.open(dataSource, BackupOptions.builder().strategy("auto").build())) {
 *     BinlogCoordinates c = s.coordinates();
 *     // copy / snapshot / dump while the point is held
 * } // releases every lock and restores every changed setting
 * }</pre>
 *
 * <p>The session takes one connection from the DataSource and keeps it to the end. Opening probes the
 * server, picks the strategy, checks privileges, sets session {@code lock_wait_timeout} and takes the
 * lock; if any step fails, every earlier step is undone before the exception is thrown.
 * {@link #coordinates()} reads the coordinates under the lock on first call and then returns the same
 * value. {@link #close()} releases with the strategy's own statements; if that fails, the connection
 * is closed physically (never returned to a pool still holding a lock) and a {@link ReleaseException}
 * says what was and was not undone.
 *
 * <p>Thread-safe; {@code close()} is idempotent.
 */
public final class BackupSession implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BackupSession.class);

    private static final String SET_LOCK_WAIT_TIMEOUT = "SET SESSION lock_wait_timeout = ?";

    /** More snapshot connections than this is almost certainly a bug in the caller. */
    public static final int MAX_SNAPSHOTS = 256;

    private enum State { OPEN, CLOSED, FAILED }

    private final DataSource dataSource;
    private final Connection connection;
    private final Context context;
    private final LockStrategy strategy;
    private final Duration probeTime;
    private final Duration lockWait;
    private final long lockedAtNanos;

    private State state = State.OPEN;
    private BinlogCoordinates coordinates;
    private Duration captureTime = Duration.ZERO;
    private Duration lockHeld;

    private BackupSession(DataSource dataSource, Connection connection, Context context, LockStrategy strategy,
                          Duration probeTime, Duration lockWait, long lockedAtNanos) {
        this.dataSource = dataSource;
        this.connection = connection;
        this.context = context;
        this.strategy = strategy;
        this.probeTime = probeTime;
        this.lockWait = lockWait;
        this.lockedAtNanos = lockedAtNanos;
    }

    /** Opens a session with {@link BackupOptions#defaults()}. */
    public static BackupSession open(DataSource dataSource) {
        return open(dataSource, BackupOptions.defaults());
    }

    /**
     * Probes the server, chooses the strategy and takes the lock.
     *
     * @throws StrategyNotFoundException   unknown strategy name, or no strategy on the classpath
     * @throws UnsupportedServerException  the named strategy (or, under auto, every strategy) cannot run here
     * @throws MissingPrivilegeException   the account lacks a privilege the strategy needs
     * @throws LockAcquisitionException    the lock was not granted (e.g. lock_wait_timeout); nothing stays locked
     * @throws ServerConnectionException   the server could not be reached
     */
    public static BackupSession open(DataSource dataSource, BackupOptions options) {
        Objects.requireNonNull(dataSource, "dataSource must not be null");
        Objects.requireNonNull(options, "options must not be null");
        StrategyCatalog catalog = StrategyCatalog.discover(options.classLoader());
        if (options.isAuto()) {
            catalog.requireAny();
        } else {
            catalog.named(options.strategy());
        }
        Connection connection = connect(dataSource);
        boolean handedOver = false;
        try {
            BackupSession session = openOn(dataSource, connection, catalog, options);
            handedOver = true;
            return session;
        } finally {
            if (!handedOver) {
                closeQuietly(connection);
            }
        }
    }

    private static BackupSession openOn(DataSource dataSource, Connection connection, StrategyCatalog catalog, BackupOptions options) {
        long probeStart = System.nanoTime();
        String endpoint = ServerProbe.endpointOf(connection);
        ServerProbe.Result probed = ServerProbe.probe(new Sql(connection, "probe", endpoint), endpoint);
        ServerInfo server = probed.server();
        Duration probeTime = Duration.ofNanos(System.nanoTime() - probeStart);

        Sql inspector = new Sql(connection, "inspect", server.toString());
        StrategyCatalog.Selection selection = catalog.select(server, options,
                s -> s.inspect(server, inspector.as("inspect " + s.name()), options));
        List<LockStrategy> candidates = selection.candidates();
        for (int i = 0; i < candidates.size(); i++) {
            LockStrategy strategy = candidates.get(i);
            if (i == 0) {
                LOG.info("quiesce: using strategy '{}' on {} ({})", strategy.name(), server,
                        options.isAuto() ? "auto: " + selection.explanation() : selection.explanation());
            }
            Context context = new Context(dataSource, server, new Sql(connection, strategy.name(), server.toString()),
                    options, probed.connectionId());
            long lockStart = System.nanoTime();
            try {
                setLockWaitTimeout(context, server);
                strategy.acquire(context);
                long locked = System.nanoTime();
                return new BackupSession(dataSource, connection, context, strategy, probeTime,
                        Duration.ofNanos(locked - lockStart), locked);
            } catch (RuntimeException raw) {
                BackupException e = typed(strategy, raw);
                ReleaseStack.Outcome outcome = context.unwind(e.isConnectionFailure());
                e.recordRollback(outcome.undone(), outcome.notUndone());
                if (!outcome.connectionReusable()) {
                    ConnectionDisposal.discard(dataSource, connection);
                }
                boolean more = i + 1 < candidates.size();
                if (options.isAuto() && options.allowFallback() && more && outcome.connectionReusable()) {
                    LOG.warn("quiesce: strategy '{}' failed on {} and was rolled back ({}); falling back to '{}'",
                            strategy.name(), server, e.getMessage(), candidates.get(i + 1).name());
                    continue;
                }
                throw asAcquisitionFailure(strategy, server, options, e);
            }
        }
        throw new IllegalStateException("unreachable: selection is never empty");
    }

    /** The coordinates that match the data under the lock; read on first call, the same value after. */
    public synchronized BinlogCoordinates coordinates() {
        if (coordinates == null) {
            capture(SnapshotSet.NONE);
        }
        return coordinates;
    }

    /**
     * Opens {@code count} connections, each inside {@code START TRANSACTION WITH CONSISTENT SNAPSHOT,
     * READ ONLY} at {@code REPEATABLE READ}, all at the session's consistent point, and reads the
     * coordinates at that same point: every connection sees exactly the data that
     * {@link #coordinates()} describes. Use them for a parallel logical dump, as mydumper and MySQL Shell
     * do with their worker sessions.
     *
     * <p>The connections are the caller's to close (closing ends the transaction). They stay valid after
     * this session is closed, so the usual pattern holds the lock for milliseconds only:
     * open the session, take the snapshots, close the session, then dump from the snapshots.
     * They come from the session's DataSource: a pool must have room for {@code count + 1}.
     *
     * @param count how many, 1 to {@value #MAX_SNAPSHOTS}
     * @throws IllegalStateException if the coordinates were already read: the snapshots must be opened at
     *                               the moment they are read, so call this first
     * @throws ServerConnectionException if the connections cannot be had; the session stays open
     * @throws BackupException if the strategy cannot open them at its point; the session is then released
     */
    public synchronized List<Connection> snapshotConnections(int count) {
        if (count < 1 || count > MAX_SNAPSHOTS) {
            throw new IllegalArgumentException("count must be between 1 and " + MAX_SNAPSHOTS + ", was " + count);
        }
        if (coordinates != null) {
            throw new IllegalStateException("snapshotConnections(n) must be called before coordinates(): the snapshots are"
                    + " opened at the instant the coordinates are read, and that instant has passed");
        }
        requireOpenForCapture();
        SnapshotSet snapshots = new SnapshotSet(dataSource, count, context.server().toString());
        snapshots.connect();
        try {
            capture(snapshots);
        } catch (RuntimeException e) {
            snapshots.closeAll();
            throw e;
        }
        if (!snapshots.started()) {
            snapshots.closeAll();
            BackupException e = new BackupException("Strategy '" + strategy.name() + "' read the coordinates but opened no"
                    + " snapshot transactions: it does not support snapshotConnections(n)");
            fail(e);
            throw e;
        }
        return snapshots.handOver();
    }

    private void capture(SnapshotSet snapshots) {
        requireOpenForCapture();
        if (!context.server().binaryLogEnabled()) {
            throw BinaryLogStatus.disabled(context.server());
        }
        long start = System.nanoTime();
        context.snapshots = snapshots;
        try {
            coordinates = strategy.captureCoordinates(context);
        } catch (RuntimeException raw) {
            BackupException e = typed(strategy, raw);
            fail(e);
            throw e;
        } finally {
            context.snapshots = SnapshotSet.NONE;
        }
        captureTime = Duration.ofNanos(System.nanoTime() - start);
        LOG.debug("quiesce: coordinates {} read in {} ms{}", coordinates, captureTime.toNanos() / 1e6,
                snapshots.requested() > 0 ? " with " + snapshots.requested() + " snapshot transactions" : "");
    }

    private void requireOpenForCapture() {
        if (state != State.OPEN) {
            throw new BackupException("The session on " + context.server() + " is " + state.name().toLowerCase(java.util.Locale.ROOT)
                    + " and its coordinates were never read: read them while the session is open.");
        }
    }

    /** After a failure under the lock: release everything and say so in the exception. */
    private void fail(BackupException e) {
        state = State.FAILED;
        ReleaseStack.Outcome outcome = release(e.isConnectionFailure());
        e.recordRollback(outcome.undone(), outcome.notUndone());
    }

    /** The name of the strategy holding the point, e.g. {@code ftwrl}. */
    public String strategy() {
        return strategy.name();
    }

    /** What the probe learned about the server. */
    public ServerInfo server() {
        return context.server();
    }

    public synchronized boolean isOpen() {
        return state == State.OPEN;
    }

    public synchronized SessionTimings timings() {
        Duration held = lockHeld != null ? lockHeld : Duration.ofNanos(System.nanoTime() - lockedAtNanos);
        return new SessionTimings(probeTime, lockWait, captureTime, held);
    }

    /**
     * Releases every lock and restores every setting, newest first, with the strategy's own statements.
     *
     * @throws ReleaseException if a step could not be undone; the connection is then closed physically
     */
    @Override
    public synchronized void close() {
        if (state != State.OPEN) {
            return;
        }
        state = State.CLOSED;
        ReleaseStack.Outcome outcome = release(false);
        LOG.info("quiesce: released '{}' on {}: lock wait {} ms, held {} ms, coordinates {}; undone: {}",
                strategy.name(), context.server(), millis(lockWait), millis(lockHeld),
                coordinates == null ? "not read" : coordinates, outcome.undone());
        if (!outcome.clean()) {
            ReleaseException e = new ReleaseException("Releasing '" + strategy.name() + "' on " + context.server()
                    + " failed; the lock connection was closed physically so the server drops its session locks", outcome.firstFailure());
            e.recordRollback(outcome.undone(), outcome.notUndone());
            throw e;
        }
        if (outcome.connectionLost()) {
            LOG.warn("quiesce: the lock connection to {} was lost before release ({}); the server dropped its locks with it. "
                    + "The consistent point may have ended early.", context.server(), outcome.firstFailure().getMessage());
        }
    }

    /** The one release path, for close and after a failure: undo everything, then hand back or discard the connection. */
    private ReleaseStack.Outcome release(boolean connectionLost) {
        ReleaseStack.Outcome outcome = context.unwind(connectionLost);
        lockHeld = Duration.ofNanos(System.nanoTime() - lockedAtNanos);
        if (outcome.connectionReusable()) {
            closeQuietly(connection);
        } else {
            ConnectionDisposal.discard(dataSource, connection);
        }
        return outcome;
    }

    /** A strategy's bug (any unchecked exception) must still roll back what it had locked. */
    private static BackupException typed(LockStrategy strategy, RuntimeException raw) {
        if (raw instanceof BackupException e) {
            return e;
        }
        return new LockAcquisitionException("Strategy '" + strategy.name() + "' failed unexpectedly: " + raw, raw);
    }

    private static void setLockWaitTimeout(Context context, ServerInfo server) {
        long seconds = context.options().lockWaitTimeoutSeconds();
        String previous = server.variable("lock_wait_timeout").orElse(null);
        Sql sql = context.sessionSql();
        sql.execute(SET_LOCK_WAIT_TIMEOUT, seconds);
        if (previous != null && previous.matches("\\d{1,9}")) {
            long previousSeconds = Long.parseLong(previous);
            // The connection may go back to a pool: leave its session as we found it.
            context.onRelease("SET SESSION lock_wait_timeout = " + previousSeconds,
                    s -> s.execute(SET_LOCK_WAIT_TIMEOUT, previousSeconds));
        }
    }

    private static BackupException asAcquisitionFailure(LockStrategy strategy, ServerInfo server, BackupOptions options, BackupException e) {
        if (e.getClass() != BackupSqlException.class) {
            return e;
        }
        String what = e.vendorCode() == SqlErrors.LOCK_WAIT_TIMEOUT
                ? "timed out after lock_wait_timeout=" + options.lockWaitTimeoutSeconds() + "s: another session holds a conflicting lock"
                : "the server refused it";
        return new LockAcquisitionException("Could not take the '" + strategy.name() + "' lock on " + server + ": " + what
                + " (" + e.getMessage() + ")", e);
    }

    private static Connection connect(DataSource dataSource) {
        try {
            return dataSource.getConnection();
        } catch (SQLException e) {
            throw new ServerConnectionException("Could not connect to the server: " + e.getMessage(), e, null, null);
        }
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException e) {
            LOG.debug("Closing the lock connection failed: {}", e.toString());
        }
    }

    private static String millis(Duration d) {
        return String.format(java.util.Locale.ROOT, "%.1f", d.toNanos() / 1e6);
    }

    /** The {@link LockContext} of one attempt: the strategy's view of the session. */
    private static final class Context implements LockContext {
        private final DataSource dataSource;
        private final ServerInfo server;
        private final Sql sql;
        private final BackupOptions options;
        private final long connectionId;
        private final ReleaseStack releases = new ReleaseStack();
        /** Set only while the strategy captures; guarded by the session's lock. */
        private SnapshotSet snapshots = SnapshotSet.NONE;

        Context(DataSource dataSource, ServerInfo server, Sql sql, BackupOptions options, long connectionId) {
            this.dataSource = dataSource;
            this.server = server;
            this.sql = sql;
            this.options = options;
            this.connectionId = connectionId;
        }

        @Override
        public ServerInfo server() {
            return server;
        }

        @Override
        public Sql sql() {
            return sql;
        }

        Sql sessionSql() {
            return sql.as("session");
        }

        @Override
        public BackupOptions options() {
            return options;
        }

        @Override
        public long connectionId() {
            return connectionId;
        }

        @Override
        public Snapshots snapshots() {
            return snapshots;
        }

        @Override
        public void onRelease(String description, ReleaseAction action) {
            releases.push(description, action, false);
        }

        @Override
        public void onReleaseGlobal(String description, ReleaseAction action) {
            releases.push(description, action, true);
        }

        ReleaseStack.Outcome unwind(boolean connectionLost) {
            return releases.unwind(sql, connectionLost, () -> FreshConnection.open(dataSource, "restore", server.toString()));
        }
    }
}
