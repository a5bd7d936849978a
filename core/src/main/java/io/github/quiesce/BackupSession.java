package io.github.quiesce;

import io.github.quiesce.spi.BinaryLogStatus;
import io.github.quiesce.spi.LockContext;
import io.github.quiesce.spi.LockStrategy;
import io.github.quiesce.spi.ReleaseAction;
import io.github.quiesce.spi.Snapshots;
import io.github.quiesce.spi.Sql;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
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
 * says what was and was not undone. A session held longer than {@link BackupOptions#maxLockHold()} is
 * released by a watchdog (see {@link WatchdogExpiredException}). Phases go to
 * {@link BackupListener}s as {@link BackupEvent}s; one INFO line sums each session up when it ends.
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
    private final Duration chooseTime;
    private final Duration lockWait;
    private final long lockedAtNanos;
    private ScheduledFuture<?> watchdog;

    /** Written under the session's monitor; volatile so the watchdog may look without it. */
    private volatile State state = State.OPEN;
    private BinlogCoordinates coordinates;
    private Duration captureTime = Duration.ZERO;
    private Duration lockHeld;
    private Duration releaseTime = Duration.ZERO;
    /**
     * Orders the watchdog's KILL against the release: once released, the connection may be back in a
     * pool, serving someone else, and must never be killed; a kill under way makes release discard it.
     */
    private final Object killGuard = new Object();
    private boolean released;
    /** Set by the watchdog before it kills the lock connection; read by the caller's thread. */
    private volatile boolean watchdogFired;
    private WatchdogExpiredException watchdogFailure;

    private BackupSession(DataSource dataSource, Connection connection, Context context, LockStrategy strategy,
                          Duration probeTime, Duration chooseTime, Duration lockWait, long lockedAtNanos) {
        this.dataSource = dataSource;
        this.connection = connection;
        this.context = context;
        this.strategy = strategy;
        this.probeTime = probeTime;
        this.chooseTime = chooseTime;
        this.lockWait = lockWait;
        this.lockedAtNanos = lockedAtNanos;
    }

    private BackupSession armed() {
        Duration maxHold = context.options().maxLockHold();
        synchronized (this) {
            watchdog = Timers.after(maxHold, this::expire);
        }
        return this;
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
        Events events = Events.of(options);
        long connectedAt = System.nanoTime();
        Connection connection = connect(dataSource);
        boolean handedOver = false;
        try {
            BackupSession session = openOn(dataSource, connection, connectedAt, catalog, options, events);
            handedOver = true;
            return session;
        } finally {
            if (!handedOver) {
                closeQuietly(connection);
            }
        }
    }

    private static BackupSession openOn(DataSource dataSource, Connection connection, long connectedAt, StrategyCatalog catalog,
                                        BackupOptions options, Events events) {
        long probeStart = System.nanoTime();
        String endpoint = ServerProbe.endpointOf(connection);
        Sql.Observer observer = observer(events);
        ServerProbe.Result probed = ServerProbe.probe(new Sql(connection, "probe", endpoint, observer), endpoint,
                catalog.serverVariables());
        ServerInfo server = probed.server();
        Duration probeTime = Duration.ofNanos(System.nanoTime() - probeStart);
        events.publish(new BackupEvent.Probed(server, probeTime));
        refuseLeftoverJournal(server, options);

        long chooseStart = System.nanoTime();
        Sql inspector = new Sql(connection, "inspect", server.toString(), observer);
        StrategyCatalog.Selection selection = catalog.select(server, options,
                s -> s.inspect(server, inspector.as("inspect " + s.name()), options));
        Duration chooseTime = Duration.ofNanos(System.nanoTime() - chooseStart);
        String why = options.isAuto() ? "auto: " + selection.explanation() : selection.explanation();
        List<LockStrategy> candidates = selection.candidates();
        for (int i = 0; i < candidates.size(); i++) {
            LockStrategy strategy = candidates.get(i);
            LOG.debug("quiesce: trying strategy '{}' on {} ({})", strategy.name(), server, why);
            events.publish(new BackupEvent.StrategyChosen(strategy.name(), why));
            Context context = new Context(dataSource, server, new Sql(connection, strategy.name(), server.toString(), observer),
                    options, probed.connectionId(), connectedAt, events, strategy.name());
            long lockStart = System.nanoTime();
            try {
                events.publish(new BackupEvent.LockRequested(strategy.name()));
                setLockWaitTimeout(context, server);
                strategy.acquire(context);
                long locked = System.nanoTime();
                Duration lockWait = Duration.ofNanos(locked - lockStart);
                events.publish(new BackupEvent.LockAcquired(strategy.name(), lockWait));
                return new BackupSession(dataSource, connection, context, strategy, probeTime, chooseTime, lockWait, locked).armed();
            } catch (RuntimeException raw) {
                BackupException e = typed(strategy, raw);
                ReleaseStack.Outcome outcome = context.unwind(e.isConnectionFailure(), false);
                e.recordRollback(outcome.undone(), outcome.notUndone());
                events.publish(new BackupEvent.StateRestored(outcome.undone(), outcome.notUndone()));
                context.settleJournal(outcome);
                if (!outcome.connectionReusable()) {
                    ConnectionDisposal.discard(dataSource, connection);
                }
                boolean more = i + 1 < candidates.size();
                if (options.isAuto() && options.allowFallback() && more && outcome.connectionReusable()) {
                    LOG.warn("quiesce: strategy '{}' failed on {} and was rolled back ({}); falling back to '{}'",
                            strategy.name(), server, e.getMessage(), candidates.get(i + 1).name());
                    continue;
                }
                BackupException thrown = asAcquisitionFailure(strategy, server, options, e);
                LOG.warn("quiesce: could not take '{}' on {} after {} ms; undone: {}; {}", strategy.name(), server,
                        millis(Duration.ofNanos(System.nanoTime() - lockStart)), outcome.undone(), thrown.getMessage());
                throw thrown;
            }
        }
        throw new IllegalStateException("unreachable: selection is never empty");
    }

    /**
     * A process that died holding global changes left a journal: nothing may start until they are put back.
     * A journal whose process still runs here is a session in progress: this one may go ahead unless it
     * too changes global settings, which the journal's claim then refuses.
     */
    private static void refuseLeftoverJournal(ServerInfo server, BackupOptions options) {
        Journal.read(options.journalDirectory(), server).filter(entry -> !entry.isLive()).ifPresent(entry -> {
            throw new UnrecoveredSessionException("A previous session on " + server + " changed global settings and did not restore them: "
                    + entry.describe() + ", which recorded " + entry.state() + ". Nothing was changed now. Run BackupSession.recover(dataSource,"
                    + " options) to put the server back (it reads the server and undoes only what is still changed), then open again.");
        });
    }

    /**
     * Puts back what a session whose process died left changed on this server, from the journal it wrote
     * in {@link BackupOptions#journalDirectory()}, with the strategy that wrote it; removes the journal.
     * Safe to call when there is nothing to recover.
     *
     * @throws StrategyNotFoundException if the strategy named in the journal is not on the classpath
     */
    public static Recovery recover(DataSource dataSource, BackupOptions options) {
        Objects.requireNonNull(dataSource, "dataSource must not be null");
        Objects.requireNonNull(options, "options must not be null");
        Connection connection = connect(dataSource);
        try {
            String endpoint = ServerProbe.endpointOf(connection);
            StrategyCatalog catalog = StrategyCatalog.discover(options.classLoader());
            ServerInfo server = ServerProbe.probe(new Sql(connection, "probe", endpoint), endpoint, catalog.serverVariables()).server();
            Optional<Journal.Entry> leftover = Journal.read(options.journalDirectory(), server);
            if (leftover.isEmpty()) {
                LOG.info("quiesce: nothing to recover on {} (no journal in {})", server, options.journalDirectory());
                return new Recovery(false, "", server.toString(), List.of());
            }
            Journal.Entry entry = leftover.get();
            if (entry.isLive()) {
                throw new BackupException("Nothing to recover on " + server + ": the session that wrote " + entry.describe()
                        + " is still running and will restore the server when it closes. Nothing was changed.");
            }
            LockStrategy strategy = catalog.named(entry.strategy());
            List<String> restored = strategy.recover(new Sql(connection, "recover " + strategy.name(), server.toString()), server, entry.state());
            Journal.delete(entry.file());
            LOG.warn("quiesce: recovered {} after {}: {}", server, entry.describe(), restored.isEmpty() ? "nothing was still changed" : restored);
            return new Recovery(true, entry.strategy(), server.toString(), restored);
        } finally {
            closeQuietly(connection);
        }
    }

    /** {@link #recover(DataSource, BackupOptions)} with the default journal directory. */
    public static Recovery recover(DataSource dataSource) {
        return recover(dataSource, BackupOptions.defaults());
    }

    private static Sql.Observer observer(Events events) {
        if (!events.any()) {
            return Sql.Observer.NONE;
        }
        return (owner, statement, nanos, outcome) ->
                events.publish(new BackupEvent.StatementExecuted(owner, statement, Duration.ofNanos(nanos), outcome));
    }

    /**
     * The coordinates that match the data under the lock; read on first call, the same value after
     * (also after close, or after the watchdog released the lock, when they were read before).
     */
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
        LOG.debug("quiesce: coordinates {} read in {} ms{}", coordinates, millis(captureTime),
                snapshots.requested() > 0 ? " with " + snapshots.requested() + " snapshot transactions" : "");
        context.events.publish(new BackupEvent.CoordinatesCaptured(coordinates, snapshots.requested(), captureTime));
    }

    private void requireOpenForCapture() {
        if (state != State.OPEN) {
            String why = watchdogFired ? " (the watchdog released it after maxLockHold=" + context.options().maxLockHold() + ")" : "";
            throw new BackupException("The session on " + context.server() + " is " + state.name().toLowerCase(Locale.ROOT) + why
                    + " and its coordinates were never read: read them while the session is open.");
        }
    }

    /** After a failure under the lock: release everything and say so in the exception. */
    private void fail(BackupException e) {
        state = State.FAILED;
        ReleaseStack.Outcome outcome = release(e.isConnectionFailure(), "failure: " + e.getMessage());
        e.recordRollback(outcome.undone(), outcome.notUndone());
        e.recordPointLost();
        LOG.warn("quiesce: session '{}' on {} failed under the lock and was released: {}", strategy.name(), context.server(), summary(outcome));
    }

    /**
     * The watchdog: the caller kept the lock past maxLockHold (a hung backup tool). Kill the lock
     * connection first, from a second one, because the caller's thread may be inside a statement on it
     * and holding this session's monitor; the server drops the session's locks at once. Then restore
     * what outlives the connection.
     */
    private void expire() {
        Duration maxHold = context.options().maxLockHold();
        BackupException killFailure;
        synchronized (killGuard) {
            if (released) {
                return;
            }
            watchdogFired = true;
            LOG.error("quiesce: session '{}' on {} held its lock past maxLockHold={}; the watchdog kills lock connection {} and restores"
                    + " the server. The consistent point ends now.", strategy.name(), context.server(), maxHold, context.connectionId());
            context.events.publish(new BackupEvent.WatchdogFired(strategy.name(), maxHold, context.connectionId()));
            killFailure = killLockConnection();
        }
        synchronized (this) {
            ReleaseStack.Outcome outcome = null;
            if (state == State.OPEN) {
                state = State.FAILED;
                outcome = release(true, "watchdog after maxLockHold=" + maxHold);
                LOG.warn("quiesce: watchdog released '{}' on {}: {}", strategy.name(), context.server(), summary(outcome));
            }
            watchdogFailure = new WatchdogExpiredException("The watchdog released '" + strategy.name() + "' on " + context.server()
                    + " after it was held past maxLockHold=" + maxHold + " (lock connection " + context.connectionId()
                    + (killFailure == null ? " killed" : " could not be killed: " + killFailure.getMessage() + "; it was closed instead") + ")."
                    + " Whatever was copied after that is not consistent with coordinates " + (coordinates == null ? "(never read)" : coordinates)
                    + ". Raise BackupOptions.maxLockHold if the work needs longer.", killFailure);
            if (outcome != null) {
                watchdogFailure.recordRollback(outcome.undone(), outcome.notUndone());
            }
        }
    }

    /** @return null when the lock connection was killed (or is gone), else why not */
    private BackupException killLockConnection() {
        try (FreshConnection other = FreshConnection.open(dataSource, "watchdog", context.server().toString())) {
            context.killLockConnection(other.sql());
            return null;
        } catch (BackupException e) {
            LOG.error("quiesce: the watchdog could not kill lock connection {} on {}: {}", context.connectionId(), context.server(), e.getMessage());
            return e;
        }
    }

    /** {@code CONNECTION_ID()} of the lock connection, to find it in the processlist. */
    public long lockConnectionId() {
        return context.connectionId();
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

    /** How long each phase took; the lock's hold time so far while the session is open. */
    public synchronized SessionTimings timings() {
        Duration held = lockHeld != null ? lockHeld : Duration.ofNanos(System.nanoTime() - lockedAtNanos);
        return new SessionTimings(probeTime, chooseTime, context.longQueryWait(), lockWait, captureTime, held, releaseTime);
    }

    /**
     * Releases every lock and restores every setting, newest first, with the strategy's own statements.
     *
     * @throws ReleaseException if a step could not be undone; the connection is then closed physically
     * @throws LockLostException if the lock connection was lost while open: the copy may not be consistent
     * @throws WatchdogExpiredException (once) if the watchdog had released the session before
     */
    @Override
    public synchronized void close() {
        if (watchdogFailure != null) {
            WatchdogExpiredException e = watchdogFailure;
            watchdogFailure = null;
            throw e;
        }
        if (state != State.OPEN) {
            return;
        }
        state = State.CLOSED;
        ReleaseStack.Outcome outcome = release(false, "close");
        if (outcome.clean() && !outcome.connectionLost()) {
            LOG.info("quiesce: released '{}' on {}: {}", strategy.name(), context.server(), summary(outcome));
        } else {
            LOG.warn("quiesce: released '{}' on {} after {}: {}", strategy.name(), context.server(),
                    outcome.clean() ? "losing the lock connection" : "a failed release step", summary(outcome));
        }
        if (!outcome.clean()) {
            String killStep = LockConnectionKill.KILL_CONNECTION + context.connectionId();
            String consequence = outcome.notUndone().contains(killStep)
                    ? "; the lock connection was lost and could not be killed from a new connection either, so the server may still hold"
                    + " its locks until it notices: run " + killStep + " on it as soon as it is reachable"
                    : "; the lock connection was closed physically so the server drops its session locks";
            ReleaseException e = new ReleaseException("Releasing '" + strategy.name() + "' on " + context.server() + " failed"
                    + consequence, outcome.firstFailure());
            e.recordRollback(outcome.undone(), outcome.notUndone());
            throw e;
        }
        if (outcome.connectionLost()) {
            LockLostException e = new LockLostException("The lock connection " + context.connectionId() + " to " + context.server()
                    + " was lost while the session was open, and the server dropped its locks with it at a moment quiesce cannot know:"
                    + " what was copied may not be consistent with coordinates " + (coordinates == null ? "(never read)" : coordinates)
                    + ". Discard this backup and take it again.", outcome.firstFailure());
            e.recordRollback(outcome.undone(), outcome.notUndone());
            throw e;
        }
    }

    /**
     * The one release path, for close, after a failure and for the watchdog: undo everything, then hand
     * back or discard the connection.
     */
    private ReleaseStack.Outcome release(boolean connectionLost, String why) {
        if (watchdog != null) {
            watchdog.cancel(false);
        }
        synchronized (killGuard) {
            released = true;
        }
        long start = System.nanoTime();
        ReleaseStack.Outcome outcome = context.unwind(connectionLost || watchdogFired, watchdogFired);
        context.settleJournal(outcome);
        lockHeld = Duration.ofNanos(System.nanoTime() - lockedAtNanos);
        if (outcome.connectionReusable()) {
            closeQuietly(connection);
        } else {
            ConnectionDisposal.discard(dataSource, connection);
        }
        releaseTime = Duration.ofNanos(System.nanoTime() - start);
        context.events.publish(new BackupEvent.LockReleased(strategy.name(), lockHeld, why));
        context.events.publish(new BackupEvent.StateRestored(outcome.undone(), outcome.notUndone()));
        return outcome;
    }

    /** The one line an operator reads: what was held, how long each phase took, what the point was, what was undone. */
    private String summary(ReleaseStack.Outcome outcome) {
        SessionTimings t = timings();
        return "lock connection " + context.connectionId() + ", probe " + millis(t.probe()) + " ms, choose " + millis(t.choose()) + " ms, lock wait " + millis(t.lockWait())
                + " ms (long queries " + millis(t.longQueryWait()) + " ms), coordinates " + millis(t.capture()) + " ms, held "
                + millis(t.lockHeld()) + " ms, release " + millis(t.release()) + " ms; coordinates "
                + (coordinates == null ? "not read" : coordinates) + "; undone: " + outcome.undone()
                + (outcome.clean() ? "" : "; NOT undone: " + outcome.notUndone());
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
        return String.format(Locale.ROOT, "%.1f", d.toNanos() / 1e6);
    }

    /** The {@link LockContext} of one attempt: the strategy's view of the session. */
    private static final class Context implements LockContext {
        private final DataSource dataSource;
        private final ServerInfo server;
        private final Sql sql;
        private final BackupOptions options;
        private final long connectionId;
        private final long connectedAtNanos;
        private final Events events;
        private final ReleaseStack releases = new ReleaseStack();
        /** Set only while the strategy captures; guarded by the session's lock. */
        private SnapshotSet snapshots = SnapshotSet.NONE;
        private volatile long longQueryWaitNanos;
        private Path journalFile;
        private final String strategyName;

        Context(DataSource dataSource, ServerInfo server, Sql sql, BackupOptions options, long connectionId, long connectedAtNanos,
                Events events, String strategyName) {
            this.connectedAtNanos = connectedAtNanos;
            this.strategyName = strategyName;
            this.dataSource = dataSource;
            this.server = server;
            this.sql = sql;
            this.options = options;
            this.connectionId = connectionId;
            this.events = events;
        }

        Duration longQueryWait() {
            return Duration.ofNanos(longQueryWaitNanos);
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
        public boolean executeWithin(String statement, Duration timeout) {
            return SelfCancellingStatement.run(sql, statement, timeout, connectionId, this::fresh);
        }

        @Override
        public synchronized void journal(Map<String, String> state) {
            journalFile = Journal.write(options.journalDirectory(), server, strategyName, state, journalFile == null);
            LOG.debug("quiesce: journal {} written before changing global settings on {}: {}", journalFile, server, state);
        }

        /** Removes the journal once everything it covers was undone; keeps it, loudly, otherwise. */
        synchronized void settleJournal(ReleaseStack.Outcome outcome) {
            if (journalFile == null) {
                return;
            }
            Journal.settled(journalFile);
            if (outcome.clean()) {
                try {
                    Journal.delete(journalFile);
                    journalFile = null;
                } catch (java.io.UncheckedIOException e) {
                    LOG.error("quiesce: {} was restored, but its journal {} could not be removed ({}); the next open() will refuse"
                            + " until recover() (which will find nothing to undo) removes it", server, journalFile, e.getCause().getMessage());
                }
            } else {
                LOG.error("quiesce: {} could not be fully restored ({}); the journal {} stays so that BackupSession.recover can finish the job",
                        server, outcome.notUndone(), journalFile);
            }
        }

        @Override
        public void publish(BackupEvent event) {
            if (event instanceof BackupEvent.WaitedForLongQueries w) {
                longQueryWaitNanos += w.waited().toNanos();
            }
            events.publish(event);
        }

        @Override
        public void onRelease(String description, ReleaseAction action) {
            releases.push(description, action, false);
        }

        @Override
        public void onReleaseGlobal(String description, ReleaseAction action) {
            releases.push(description, action, true);
        }

        /**
         * @param lockConnectionKilled the watchdog already killed it; otherwise a lost lock connection is
         *                             killed from a new one before anything else, since the server may not know it is lost
         */
        ReleaseStack.Outcome unwind(boolean connectionLost, boolean lockConnectionKilled) {
            return releases.unwind(sql, connectionLost, this::fresh, lockConnectionKilled ? ReleaseStack.LostConnection.NOTHING : new EndLostLockConnection());
        }

        /** The lock connection failed on our side: the server may still run it, holding the locks, until it is killed. */
        private final class EndLostLockConnection implements ReleaseStack.LostConnection {
            @Override
            public String end(Sql other) {
                try {
                    LockConnectionKill.Outcome killed = killLockConnection(other);
                    LOG.info("quiesce: the lock connection to {} was lost on our side; {}", server, LockConnectionKill.describe(killed, connectionId));
                    return description() + " (" + LockConnectionKill.describe(killed, connectionId) + ")";
                } catch (BackupException e) {
                    LOG.error("quiesce: lock connection {} to {} was lost on our side and could not be killed from a new connection ({})."
                            + " If the network to the server is stalled, the server may still hold its locks: run KILL CONNECTION {} there.",
                            connectionId, server, e.getMessage(), connectionId);
                    throw e;
                }
            }

            @Override
            public String description() {
                return LockConnectionKill.KILL_CONNECTION + connectionId;
            }
        }

        LockConnectionKill.Outcome killLockConnection(Sql other) {
            return LockConnectionKill.run(other, connectionId, connectedAtNanos, server.toString());
        }

        private FreshConnection fresh() {
            return FreshConnection.open(dataSource, "restore", server.toString());
        }
    }
}
