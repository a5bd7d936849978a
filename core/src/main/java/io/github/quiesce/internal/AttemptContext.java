package io.github.quiesce.internal;

import io.github.quiesce.BackupEvent;
import io.github.quiesce.BackupException;
import io.github.quiesce.BackupOptions;
import io.github.quiesce.ServerInfo;
import io.github.quiesce.spi.HeldConnection;
import io.github.quiesce.spi.LockContext;
import io.github.quiesce.spi.ReleaseAction;
import io.github.quiesce.spi.Snapshots;
import io.github.quiesce.spi.Sql;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@link LockContext} of one strategy's attempt: the strategy's view of the session, and the undo it registered. */
final class AttemptContext implements LockContext {

    private static final Logger LOG = LoggerFactory.getLogger(AttemptContext.class);
    private static final String CONNECTION_ID = "SELECT CONNECTION_ID()";

    private final DataSource dataSource;
    private final ServerInfo server;
    private final JdbcSql sql;
    private final BackupOptions options;
    private final long connectionId;
    private final long connectedAtNanos;
    private final Events events;
    private final String strategyName;
    private final ReleaseStack releases = new ReleaseStack();
    /** Set only while the strategy captures; guarded by the session's lock. */
    private SnapshotSet snapshots = SnapshotSet.NONE;

    private volatile long longQueryWaitNanos;
    private volatile long galeraWaitNanos;
    private Path journalFile;
    /** Everything journaled so far in this attempt (a strategy's own keys and its helpers', e.g. Galera's). */
    private final Map<String, String> journalState = new java.util.LinkedHashMap<>();

    AttemptContext(
            DataSource dataSource,
            ServerInfo server,
            JdbcSql sql,
            BackupOptions options,
            long connectionId,
            long connectedAtNanos,
            Events events,
            String strategyName) {
        this.dataSource = dataSource;
        this.server = server;
        this.sql = sql;
        this.options = options;
        this.connectionId = connectionId;
        this.connectedAtNanos = connectedAtNanos;
        this.events = events;
        this.strategyName = strategyName;
    }

    Duration longQueryWait() {
        return Duration.ofNanos(longQueryWaitNanos);
    }

    /** Waiting for a Galera node to be ready, before the lock (and before each retried attempt). */
    Duration galeraWait() {
        return Duration.ofNanos(galeraWaitNanos);
    }

    Events events() {
        return events;
    }

    String strategyName() {
        return strategyName;
    }

    DataSource dataSource() {
        return dataSource;
    }

    @Override
    public ServerInfo server() {
        return server;
    }

    @Override
    public Sql sql() {
        return sql;
    }

    /** The session's own statements (lock_wait_timeout), under their own name in the logs. */
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

    void capturingWith(SnapshotSet set) {
        snapshots = set;
    }

    @Override
    public boolean executeWithin(String statement, Duration timeout) {
        return SelfCancellingStatement.run(sql, statement, timeout, connectionId, this::sideConnection);
    }

    @Override
    public HeldConnection openHeldConnection(String purpose) {
        long connectedAt = SessionClock.now();
        Connection connection = SessionOpener.connect(dataSource);
        JdbcSql held = sql.on(connection, strategyName + " " + purpose);
        long id;
        try {
            String value = held.scalar(CONNECTION_ID);
            if (value == null || !value.matches("\\d{1,19}")) {
                throw new BackupException(CONNECTION_ID + " on a new connection to " + server + " returned " + value);
            }
            id = Long.parseLong(value);
        } catch (RuntimeException e) {
            ConnectionDisposal.discard(dataSource, connection);
            throw e;
        }
        // Global: it must run even when the lock connection is lost, on whatever connection is left.
        releases.push(
                "end held connection " + id + " (" + purpose + ")",
                other -> endHeld(connection, id, connectedAt, other),
                true);
        return new Held(held, id, this::sideConnection);
    }

    /**
     * Closed physically (a pool never gets it back holding a lock), then killed on the server if it is
     * still listed there: across a stalled network the server would not see the socket close.
     */
    private void endHeld(Connection connection, long id, long connectedAt, Sql other) {
        ConnectionDisposal.discard(dataSource, connection);
        LockConnectionKill.run(other, id, connectedAt, server.toString());
    }

    private record Held(JdbcSql sql, long connectionId, Supplier<SideConnection> sides) implements HeldConnection {
        @Override
        public boolean executeWithin(String statement, Duration timeout) {
            return SelfCancellingStatement.run(sql, statement, timeout, connectionId, sides);
        }
    }

    @Override
    public synchronized void journal(Map<String, String> state) {
        journalState.putAll(state);
        journalFile =
                Journal.write(options.journalDirectory(), server, strategyName, journalState, journalFile == null);
        LOG.debug(
                "quiesce: journal {} written before changing global settings on {}: {}",
                journalFile,
                server,
                journalState);
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
            } catch (UncheckedIOException e) {
                LOG.error(
                        "quiesce: {} was restored, but its journal {} could not be removed ({}); the next open() will refuse"
                                + " until recover() (which will find nothing to undo) removes it",
                        server,
                        journalFile,
                        e.getCause().getMessage());
            }
        } else {
            LOG.error(
                    "quiesce: {} could not be fully restored ({}); the journal {} stays so that BackupSession.recover can finish the job",
                    server,
                    outcome.notUndone(),
                    journalFile);
        }
    }

    @Override
    public void publish(BackupEvent event) {
        if (event instanceof BackupEvent.WaitedForLongQueries w) {
            longQueryWaitNanos += w.waited().toNanos();
        }
        if (event instanceof BackupEvent.WaitedForGalera w && w.phase() == BackupEvent.GaleraPhase.BEFORE_LOCK) {
            galeraWaitNanos += w.waited().toNanos();
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
     * Undoes every registered step, newest first, and settles the journal.
     *
     * @param lockConnectionKilled the watchdog already killed it; otherwise a lost lock connection is
     *                             killed from a side connection before anything else, since the server may not know it is lost
     */
    ReleaseStack.Outcome unwind(boolean connectionLost, boolean lockConnectionKilled) {
        ReleaseStack.Outcome outcome = releases.unwind(
                sql,
                connectionLost,
                this::sideConnection,
                lockConnectionKilled ? ReleaseStack.LostConnection.NOTHING : new EndLostLockConnection());
        settleJournal(outcome);
        return outcome;
    }

    /** The lock connection failed on our side: the server may still run it, holding the locks, until it is killed. */
    private final class EndLostLockConnection implements ReleaseStack.LostConnection {
        @Override
        public String end(Sql side) {
            try {
                LockConnectionKill.Outcome killed = killLockConnection(side);
                LOG.info(
                        "quiesce: the lock connection to {} was lost on our side; {}",
                        server,
                        LockConnectionKill.describe(killed, connectionId));
                return description() + " (" + LockConnectionKill.describe(killed, connectionId) + ")";
            } catch (BackupException e) {
                LOG.error(
                        "quiesce: lock connection {} to {} was lost on our side and could not be killed from a side connection ({})."
                                + " If the network to the server is stalled, the server may still hold its locks: run KILL CONNECTION {} there.",
                        connectionId,
                        server,
                        e.getMessage(),
                        connectionId);
                throw e;
            }
        }

        @Override
        public String description() {
            return LockConnectionKill.KILL_CONNECTION + connectionId;
        }
    }

    LockConnectionKill.Outcome killLockConnection(Sql side) {
        return LockConnectionKill.run(side, connectionId, connectedAtNanos, server.toString());
    }

    SideConnection sideConnection() {
        return SideConnection.open(dataSource, "restore", server.toString());
    }
}
