package io.github.quiesce.internal;

import io.github.quiesce.BackupEvent;
import io.github.quiesce.BackupException;
import io.github.quiesce.BackupOptions;
import io.github.quiesce.BackupSqlException;
import io.github.quiesce.GaleraNodeNotReadyException;
import io.github.quiesce.LockAcquisitionException;
import io.github.quiesce.LockNotAllowedException;
import io.github.quiesce.ServerConnectionException;
import io.github.quiesce.ServerInfo;
import io.github.quiesce.UnrecoveredSessionException;
import io.github.quiesce.spi.InspectContext;
import io.github.quiesce.spi.LockStrategy;
import io.github.quiesce.spi.Sql;
import io.github.quiesce.spi.support.Galera;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opening a session: probe the server, choose the strategy, check what can be checked before anything
 * is locked, set {@code lock_wait_timeout}, take the lock; under {@code auto}, fall back to the next
 * candidate after a rolled-back failure. Every failure undoes every earlier step before it is thrown.
 */
public final class SessionOpener {

    private static final Logger LOG = LoggerFactory.getLogger(io.github.quiesce.BackupSession.class);

    private static final String SET_LOCK_WAIT_TIMEOUT = "SET SESSION lock_wait_timeout = ?";

    private SessionOpener() {}

    public static Session open(DataSource dataSource, BackupOptions options) {
        Objects.requireNonNull(dataSource, "dataSource must not be null");
        Objects.requireNonNull(options, "options must not be null");
        StrategyCatalog catalog = StrategyCatalog.discover(options.classLoader());
        if (options.isAuto()) {
            catalog.requireAny();
        } else {
            catalog.named(options.strategy());
        }
        Events events = Events.of(options);
        long connectedAt = SessionClock.now();
        Connection connection = connect(dataSource);
        boolean handedOver = false;
        try {
            Session session = openOn(dataSource, connection, connectedAt, catalog, options, events);
            handedOver = true;
            return session;
        } finally {
            if (!handedOver) {
                closeQuietly(connection);
            }
        }
    }

    private static Session openOn(
            DataSource dataSource,
            Connection connection,
            long connectedAt,
            StrategyCatalog catalog,
            BackupOptions options,
            Events events) {
        long probeStart = SessionClock.now();
        String endpoint = ServerProbe.endpointOf(connection);
        JdbcSql.Observer observer = observer(events);
        ServerProbe.Result probed = ServerProbe.probe(
                new JdbcSql(connection, "probe", endpoint, observer),
                endpoint,
                catalog.serverVariables(),
                catalog.serverStatusVariables());
        ServerInfo server = probed.server();
        Duration probeTime = SessionClock.since(probeStart);
        events.publish(new BackupEvent.Probed(server, probeTime));
        settleLeftoverJournal(
                new JdbcSql(connection, "leftover", server.toString(), observer), catalog, server, options);

        long chooseStart = SessionClock.now();
        JdbcSql inspector = new JdbcSql(connection, "inspect", server.toString(), observer);
        StrategyCatalog.Selection selection = catalog.select(
                server, options, s -> s.inspect(new Inspection(server, inspector.as("inspect " + s.name()), options)));
        Duration chooseTime = SessionClock.since(chooseStart);
        String why = options.isAuto() ? "auto: " + selection.explanation() : selection.explanation();
        SnapshotSet prepared = prepareSnapshots(dataSource, server, options);
        try {
            Opening opening = new Opening(
                    dataSource, connection, connectedAt, options, events, observer, probed, probeTime, chooseTime);
            return lockWithFallback(opening, selection.candidates(), why, prepared);
        } catch (RuntimeException e) {
            if (prepared != null) {
                prepared.closeAll();
            }
            throw e;
        }
    }

    /** Connected before the lock, so that neither connecting nor authenticating them stalls the writers. */
    private static SnapshotSet prepareSnapshots(DataSource dataSource, ServerInfo server, BackupOptions options) {
        if (options.prepareSnapshots() == 0) {
            return null;
        }
        SnapshotSet prepared = new SnapshotSet(dataSource, server.toString());
        prepared.connectUpTo(options.prepareSnapshots());
        return prepared;
    }

    /** What the probe and the choice left for the lock attempts. */
    private record Opening(
            DataSource dataSource,
            Connection connection,
            long connectedAt,
            BackupOptions options,
            Events events,
            JdbcSql.Observer observer,
            ServerProbe.Result probed,
            Duration probeTime,
            Duration chooseTime) {}

    private static Session lockWithFallback(
            Opening o, List<LockStrategy> candidates, String why, SnapshotSet prepared) {
        ServerInfo server = o.probed().server();
        DataSource dataSource = o.dataSource();
        Connection connection = o.connection();
        BackupOptions options = o.options();
        Events events = o.events();
        for (int i = 0; i < candidates.size(); i++) {
            LockStrategy strategy = candidates.get(i);
            // INFO: which flow runs, and under auto why, is the first thing an operator asks at 3 a.m.
            LOG.info("quiesce: taking '{}' on {} ({})", strategy.name(), server, why);
            events.publish(new BackupEvent.StrategyChosen(strategy.name(), why));
            AttemptContext context = new AttemptContext(
                    dataSource,
                    server,
                    new JdbcSql(connection, strategy.name(), server.toString(), o.observer()),
                    options,
                    o.probed().connectionId(),
                    o.connectedAt(),
                    events,
                    strategy.name());
            long lockStart = SessionClock.now();
            try {
                events.publish(new BackupEvent.LockRequested(strategy.name()));
                // A Galera node that lags would make any desyncing lock wait, uncancellably, for its whole queue.
                Galera.awaitReady(context.sessionSql(), server, options.galeraGuard(), context::publish);
                setLockWaitTimeout(context, server);
                strategy.acquire(context);
                long locked = SessionClock.now();
                Duration lockWait = Duration.ofNanos(locked - lockStart);
                events.publish(new BackupEvent.LockAcquired(strategy.name(), lockWait));
                return new Session(
                                connection,
                                context,
                                strategy,
                                new SessionClock(o.probeTime(), o.chooseTime(), lockWait, locked),
                                prepared)
                        .armed();
            } catch (RuntimeException raw) {
                BackupException e = typed(strategy, raw);
                ReleaseStack.Outcome outcome = context.unwind(e.isConnectionFailure(), false);
                FailureReports.attach(e, outcome, false);
                events.publish(new BackupEvent.StateRestored(outcome.undone(), outcome.notUndone()));
                if (!outcome.connectionReusable()) {
                    ConnectionDisposal.discard(dataSource, connection);
                }
                boolean more = i + 1 < candidates.size();
                // The next strategy would meet the same lagging node.
                boolean nodeNotReady = e instanceof GaleraNodeNotReadyException;
                if (options.isAuto()
                        && options.allowFallback()
                        && more
                        && outcome.connectionReusable()
                        && !nodeNotReady) {
                    if (notAllowed(e)) {
                        LOG.warn(
                                "quiesce: strategy '{}' is not allowed here: {} refused it to {} (error {}: {}); nothing was locked;"
                                        + " falling back to '{}'",
                                strategy.name(),
                                server,
                                server.privileges().account(),
                                e.vendorCode(),
                                e.getMessage(),
                                candidates.get(i + 1).name());
                    } else {
                        LOG.warn(
                                "quiesce: strategy '{}' failed on {} and was rolled back ({}); falling back to '{}'",
                                strategy.name(),
                                server,
                                e.getMessage(),
                                candidates.get(i + 1).name());
                    }
                    continue;
                }
                BackupException thrown = asAcquisitionFailure(strategy, server, options, e);
                LOG.warn(
                        "quiesce: could not take '{}' on {} after {} ms; undone: {}; {}",
                        strategy.name(),
                        server,
                        SessionClock.millis(SessionClock.since(lockStart)),
                        outcome.undone(),
                        thrown.getMessage());
                throw thrown;
            }
        }
        throw new IllegalStateException("unreachable: selection is never empty");
    }

    /** What a strategy's {@link LockStrategy#inspect} sees. */
    private record Inspection(ServerInfo server, Sql sql, BackupOptions options) implements InspectContext {}

    /**
     * A process that died holding global changes left a journal: nothing may start until they are put back.
     * A journal whose process still runs here is a session in progress: this one may go ahead unless it
     * too changes global settings, which the journal's claim then refuses.
     *
     * <p>If the strategy that wrote it reads the server and finds nothing of it still changed (its own
     * server-side guard put everything back), the journal stands for nothing: it is removed and the
     * session goes ahead, so a crash that healed by itself needs no call to recover(). The check only
     * reads; anything it cannot tell, or any error, refuses as before.
     */
    private static void settleLeftoverJournal(
            Sql sql, StrategyCatalog catalog, ServerInfo server, BackupOptions options) {
        Journal.read(options.journalDirectory(), server)
                .filter(entry -> !entry.isLive())
                .ifPresent(entry -> {
                    List<String> stillChanged;
                    try {
                        LockStrategy strategy = catalog.named(entry.strategy());
                        stillChanged = strategy.stillChanged(
                                new Recoverer.Recovering(server, sql.as("leftover " + strategy.name()), entry.state()));
                    } catch (RuntimeException e) {
                        stillChanged = List.of("unknown (" + e.getMessage() + ")");
                    }
                    if (stillChanged.isEmpty()) {
                        // Unless a new session has claimed the file since: its claim then stands, and is its own
                        // business.
                        if (Journal.deleteIfUnchanged(entry)) {
                            LOG.warn(
                                    "quiesce: a previous session on {} died without restoring it ({}), but nothing it changed is still"
                                            + " changed: its journal was removed and this session goes ahead",
                                    server,
                                    entry.describe());
                        }
                        return;
                    }
                    throw new UnrecoveredSessionException(
                            "A previous session on " + server + " changed global settings and did not restore them: "
                                    + entry.describe() + ", which recorded " + entry.state() + "; still changed: "
                                    + String.join(", ", stillChanged)
                                    + ". Nothing was changed now. Run BackupSession.recover(dataSource, options) to put the server back (it reads the"
                                    + " server and undoes only what is still changed), then open again.");
                });
    }

    private static JdbcSql.Observer observer(Events events) {
        if (!events.any()) {
            return JdbcSql.Observer.NONE;
        }
        return (owner, statement, nanos, outcome) ->
                events.publish(new BackupEvent.StatementExecuted(owner, statement, Duration.ofNanos(nanos), outcome));
    }

    private static void setLockWaitTimeout(AttemptContext context, ServerInfo server) {
        long seconds = context.options().lockWaitTimeoutSeconds();
        String previous = server.variable("lock_wait_timeout").orElse(null);
        Sql sql = context.sessionSql();
        sql.execute(SET_LOCK_WAIT_TIMEOUT, seconds);
        if (previous != null && previous.matches("\\d{1,9}")) {
            long previousSeconds = Long.parseLong(previous);
            // The connection may go back to a pool: leave its session as we found it.
            context.onRelease(
                    "SET SESSION lock_wait_timeout = " + previousSeconds,
                    s -> s.execute(SET_LOCK_WAIT_TIMEOUT, previousSeconds));
        }
    }

    /** A strategy's bug (any unchecked exception) must still roll back what it had locked. */
    static BackupException typed(LockStrategy strategy, RuntimeException raw) {
        if (raw instanceof BackupException e) {
            return e;
        }
        return new LockAcquisitionException("Strategy '" + strategy.name() + "' failed unexpectedly: " + raw, raw);
    }

    /** A server's refusal of a statement to this account: the one place that says what "not allowed here" is. */
    static boolean notAllowed(BackupException e) {
        return e instanceof LockNotAllowedException
                || (e.getClass() == BackupSqlException.class && SqlErrors.isNotAllowed(e.vendorCode()));
    }

    private static BackupException asAcquisitionFailure(
            LockStrategy strategy, ServerInfo server, BackupOptions options, BackupException e) {
        if (e.getClass() != BackupSqlException.class) {
            return e;
        }
        if (notAllowed(e)) {
            return new LockNotAllowedException(
                    "Could not take the '" + strategy.name() + "' lock on " + server + ": the server does not"
                            + " allow it to " + server.privileges().account() + " (error " + e.vendorCode()
                            + "), whatever SHOW GRANTS lists;"
                            + " managed clouds (Amazon RDS, Aurora, Cloud SQL, Azure) refuse FLUSH TABLES WITH READ LOCK and LOCK INSTANCE FOR"
                            + " BACKUP to their master user. Nothing was locked. Use a strategy the account may run there (auto tries every"
                            + " candidate in turn) (" + e.getMessage() + ")",
                    e);
        }
        String what = e.vendorCode() == SqlErrors.LOCK_WAIT_TIMEOUT
                ? "timed out after lock_wait_timeout=" + options.lockWaitTimeoutSeconds()
                        + "s: another session holds a conflicting lock"
                : "the server refused it";
        return new LockAcquisitionException(
                "Could not take the '" + strategy.name() + "' lock on " + server + ": " + what + " (" + e.getMessage()
                        + ")",
                e);
    }

    static Connection connect(DataSource dataSource) {
        try {
            return dataSource.getConnection();
        } catch (SQLException e) {
            throw new ServerConnectionException("Could not connect to the server: " + e.getMessage(), e, null, null);
        }
    }

    static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException e) {
            LOG.debug("Closing the lock connection failed: {}", e.toString());
        }
    }
}
