package io.github.quiesce.internal;

import io.github.quiesce.BackupEvent;
import io.github.quiesce.BackupException;
import io.github.quiesce.BackupSession;
import io.github.quiesce.BinlogCoordinates;
import io.github.quiesce.LockLostException;
import io.github.quiesce.ReleaseException;
import io.github.quiesce.ServerInfo;
import io.github.quiesce.SessionTimings;
import io.github.quiesce.WatchdogExpiredException;
import io.github.quiesce.spi.LockStrategy;
import io.github.quiesce.spi.support.BinaryLogStatus;
import io.github.quiesce.spi.support.Galera;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A held session behind {@link BackupSession}: reads the coordinates under the lock, releases on
 * close, after a failure or by the watchdog, and sums itself up in one line. Its {@link Phase} says
 * where it is; the caller's methods hold this object's monitor, the watchdog kills without it (the
 * caller's thread may be inside a statement on the lock connection, holding the monitor).
 */
public final class Session {

    private static final Logger LOG = LoggerFactory.getLogger(BackupSession.class);

    private final Connection connection;
    private final AttemptContext context;
    private final LockStrategy strategy;
    private final SessionClock clock;
    private final SessionPhase phase = new SessionPhase();
    private ScheduledFuture<?> watchdog;
    /** Taken before the lock ({@code BackupOptions.prepareSnapshots}); used by snapshotConnections, else closed at release. */
    private SnapshotSet prepared;
    /** Handed over to the caller; its starter threads end only after the release (see {@link SnapshotSet#stopStartersSoon}). */
    private SnapshotSet handedOver;

    private BinlogCoordinates coordinates;
    /** What the watchdog's release ended in, thrown once by the next close(). */
    private WatchdogExpiredException watchdogFailure;

    Session(
            Connection connection,
            AttemptContext context,
            LockStrategy strategy,
            SessionClock clock,
            SnapshotSet prepared) {
        this.connection = connection;
        this.context = context;
        this.strategy = strategy;
        this.clock = clock;
        this.prepared = prepared;
    }

    /** Starts the watchdog; the session is handed to the caller right after. */
    Session armed() {
        Duration maxHold = context.options().maxLockHold();
        synchronized (this) {
            watchdog = Timers.after(maxHold, this::expire);
        }
        return this;
    }

    public long lockConnectionId() {
        return context.connectionId();
    }

    public String strategyName() {
        return strategy.name();
    }

    public ServerInfo server() {
        return context.server();
    }

    public boolean isOpen() {
        return phase.get() == Phase.HELD;
    }

    public SessionTimings timings() {
        return clock.timings(context.longQueryWait(), context.galeraWait());
    }

    public synchronized BinlogCoordinates coordinates() {
        if (coordinates == null) {
            capture(SnapshotSet.NONE);
        }
        return coordinates;
    }

    public synchronized List<Connection> snapshotConnections(int count) {
        if (count < 1 || count > BackupSession.MAX_SNAPSHOTS) {
            throw new IllegalArgumentException(
                    "count must be between 1 and " + BackupSession.MAX_SNAPSHOTS + ", was " + count);
        }
        if (coordinates != null) {
            throw new IllegalStateException(
                    "snapshotConnections(n) must be called before coordinates(): the snapshots are"
                            + " opened at the instant the coordinates are read, and that instant has passed");
        }
        requireHeldForCapture();
        SnapshotSet snapshots = prepared != null
                ? prepared
                : new SnapshotSet(context.dataSource(), context.server().toString());
        prepared = null;
        snapshots.connectUpTo(count);
        try {
            capture(snapshots);
        } catch (RuntimeException e) {
            snapshots.closeAll();
            throw e;
        }
        if (!snapshots.started()) {
            snapshots.closeAll();
            BackupException e =
                    new BackupException("Strategy '" + strategy.name() + "' read the coordinates but opened no"
                            + " snapshot transactions: it does not support snapshotConnections(n)");
            fail(e);
            throw e;
        }
        handedOver = snapshots;
        return snapshots.handOver();
    }

    private void capture(SnapshotSet snapshots) {
        requireHeldForCapture();
        if (!context.server().binaryLogEnabled()) {
            throw BinaryLogStatus.disabled(context.server());
        }
        long start = SessionClock.now();
        context.capturingWith(snapshots);
        try {
            coordinates = strategy.captureCoordinates(context);
        } catch (RuntimeException raw) {
            BackupException e = SessionOpener.typed(strategy, raw);
            fail(e);
            throw e;
        } finally {
            context.capturingWith(SnapshotSet.NONE);
        }
        clock.captured(SessionClock.since(start));
        LOG.debug(
                "quiesce: coordinates {} read in {} ms{}",
                coordinates,
                SessionClock.millis(clock.capture()),
                snapshots.requested() > 0 ? " with " + snapshots.requested() + " snapshot transactions" : "");
        context.events()
                .publish(new BackupEvent.CoordinatesCaptured(coordinates, snapshots.requested(), clock.capture()));
    }

    private void requireHeldForCapture() {
        Phase now = phase.get();
        if (now != Phase.HELD) {
            String why =
                    switch (now) {
                        case KILLING, KILLED, EXPIRED -> "released by the watchdog after maxLockHold="
                                + context.options().maxLockHold();
                        case FAILED -> "released after a failure";
                        default -> "closed";
                    };
            throw new BackupException("The session on " + context.server() + " was " + why
                    + " and its coordinates were never read: read them while the session is open.");
        }
    }

    /** After a failure under the lock: release everything and say so in the exception. */
    private void fail(BackupException e) {
        ReleaseStack.Outcome outcome = release(Phase.FAILED, e.isConnectionFailure(), "failure: " + e.getMessage());
        if (outcome == null) {
            return;
        }
        FailureReports.attach(e, outcome, true);
        LOG.warn(
                "quiesce: session '{}' on {} failed under the lock and was released: {}",
                strategy.name(),
                context.server(),
                summary(outcome));
    }

    public synchronized void close() {
        if (watchdogFailure != null) {
            WatchdogExpiredException e = watchdogFailure;
            watchdogFailure = null;
            throw e;
        }
        ReleaseStack.Outcome outcome = release(Phase.CLOSED, false, "close");
        if (outcome == null) {
            return;
        }
        if (outcome.clean() && !outcome.connectionLost()) {
            LOG.info("quiesce: released '{}' on {}: {}", strategy.name(), context.server(), summary(outcome));
        } else {
            LOG.warn(
                    "quiesce: released '{}' on {} after {}: {}",
                    strategy.name(),
                    context.server(),
                    outcome.clean() ? "losing the lock connection" : "a failed release step",
                    summary(outcome));
        }
        if (!outcome.clean()) {
            throw releaseFailed(outcome);
        }
        if (outcome.connectionLost()) {
            LockLostException e = new LockLostException(
                    "The lock connection " + context.connectionId() + " to " + context.server()
                            + " was lost while the session was open, and the server dropped its locks with it at a moment quiesce cannot know:"
                            + " what was copied may not be consistent with coordinates " + describedCoordinates()
                            + ". Discard this backup and take it again.",
                    outcome.firstFailure());
            FailureReports.attach(e, outcome, false);
            throw e;
        }
    }

    private ReleaseException releaseFailed(ReleaseStack.Outcome outcome) {
        String killStep = LockConnectionKill.KILL_CONNECTION + context.connectionId();
        String consequence = outcome.notUndone().contains(killStep)
                ? "; the lock connection was lost and could not be killed from a new connection either, so the server may still hold"
                        + " its locks until it notices: run " + killStep + " on it as soon as it is reachable"
                : "; the lock connection was closed physically so the server drops its session locks";
        ReleaseException e = new ReleaseException(
                "Releasing '" + strategy.name() + "' on " + context.server() + " failed" + consequence,
                outcome.firstFailure());
        FailureReports.attach(e, outcome, false);
        return e;
    }

    /**
     * The one release path, for close, after a failure and for the watchdog: undo everything, then hand
     * back or discard the connection.
     *
     * @return null when the session was released already
     */
    private ReleaseStack.Outcome release(Phase end, boolean connectionLost, String why) {
        Phase from = phase.beginRelease();
        if (from == null) {
            return null;
        }
        if (watchdog != null) {
            watchdog.cancel(false);
        }
        boolean killed = from == Phase.KILLED;
        long start = SessionClock.now();
        ReleaseStack.Outcome outcome = context.unwind(connectionLost || killed, killed);
        clock.unlocked();
        // Closing connections costs CPU that writers waiting for the unlock would share.
        closePrepared();
        stopStarters();
        // Not part of the release time: the node catching up, reported on its own.
        Duration resync = outcome.connectionReusable() ? awaitGaleraResync() : Duration.ZERO;
        if (outcome.connectionReusable()) {
            SessionOpener.closeQuietly(connection);
        } else {
            ConnectionDisposal.discard(context.dataSource(), connection);
        }
        clock.released(SessionClock.since(start).minus(resync));
        phase.move(Phase.RELEASING, killed ? Phase.EXPIRED : end);
        context.events()
                .publish(new BackupEvent.LockReleased(strategy.name(), timings().lockHeld(), why));
        context.events().publish(new BackupEvent.StateRestored(outcome.undone(), outcome.notUndone()));
        return outcome;
    }

    /**
     * On a Galera node, the lock desynced it: wait (bounded by {@code GaleraGuard}) until it is Synced again, so
     * the caller knows the node is back in step, and how long that took. Never fails the release.
     */
    private Duration awaitGaleraResync() {
        if (!context.server().isGalera()) {
            return Duration.ZERO;
        }
        long start = SessionClock.now();
        try {
            clock.galeraResynced(Galera.awaitSynced(
                    context.sql(), context.server(), context.options().galeraGuard(), context.events()::publish));
        } catch (RuntimeException e) {
            LOG.warn(
                    "quiesce: could not read whether {} is Synced again after the release: {}",
                    context.server(),
                    e.getMessage());
        }
        return SessionClock.since(start);
    }

    /** The threads that started the handed-over snapshots; the watchdog may race a caller here, hence the monitor. */
    private synchronized void stopStarters() {
        if (handedOver != null) {
            handedOver.stopStartersSoon();
            handedOver = null;
        }
    }

    /** Prepared snapshot connections nobody asked for; the watchdog may race a caller here, hence the monitor. */
    private synchronized void closePrepared() {
        if (prepared != null) {
            prepared.closeAll();
            prepared = null;
        }
    }

    /**
     * The watchdog: the caller kept the lock past maxLockHold (a hung backup tool). Kill the lock
     * connection first, from a side connection, because the caller's thread may be inside a statement on
     * it and holding this session's monitor; the server drops the session's locks at once. Then restore
     * what outlives the connection.
     */
    private void expire() {
        if (!phase.move(Phase.HELD, Phase.KILLING)) {
            return;
        }
        Duration maxHold = context.options().maxLockHold();
        LOG.error(
                "quiesce: session '{}' on {} held its lock past maxLockHold={}; the watchdog kills lock connection {} and restores"
                        + " the server. The consistent point ends now.",
                strategy.name(),
                context.server(),
                maxHold,
                context.connectionId());
        context.events().publish(new BackupEvent.WatchdogFired(strategy.name(), maxHold, context.connectionId()));
        BackupException killFailure = killLockConnection();
        phase.move(Phase.KILLING, Phase.KILLED);
        synchronized (this) {
            ReleaseStack.Outcome outcome = release(Phase.EXPIRED, true, "watchdog after maxLockHold=" + maxHold);
            if (outcome != null) {
                LOG.warn(
                        "quiesce: watchdog released '{}' on {}: {}",
                        strategy.name(),
                        context.server(),
                        summary(outcome));
            }
            watchdogFailure = new WatchdogExpiredException(
                    "The watchdog released '" + strategy.name() + "' on " + context.server()
                            + " after it was held past maxLockHold=" + maxHold + " (lock connection "
                            + context.connectionId()
                            + (killFailure == null
                                    ? " killed"
                                    : " could not be killed: " + killFailure.getMessage() + "; it was closed instead")
                            + ")."
                            + " Whatever was copied after that is not consistent with coordinates "
                            + describedCoordinates()
                            + ". Raise BackupOptions.maxLockHold if the work needs longer.",
                    killFailure);
            if (outcome != null) {
                FailureReports.attach(watchdogFailure, outcome, true);
            }
        }
    }

    /** @return null when the lock connection was killed (or is gone), else why not */
    private BackupException killLockConnection() {
        try (SideConnection side = SideConnection.open(
                context.dataSource(), "watchdog", context.server().toString())) {
            context.killLockConnection(side.sql());
            return null;
        } catch (BackupException e) {
            LOG.error(
                    "quiesce: the watchdog could not kill lock connection {} on {}: {}",
                    context.connectionId(),
                    context.server(),
                    e.getMessage());
            return e;
        }
    }

    private String describedCoordinates() {
        return coordinates == null ? "(never read)" : coordinates.toString();
    }

    /** The one line an operator reads: what was held, how long each phase took, what the point was, what was undone. */
    private String summary(ReleaseStack.Outcome outcome) {
        SessionTimings t = timings();
        return "lock connection " + context.connectionId() + ", probe " + SessionClock.millis(t.probe())
                + " ms, choose "
                + SessionClock.millis(t.choose()) + " ms, lock wait " + SessionClock.millis(t.lockWait())
                + " ms (long queries " + SessionClock.millis(t.longQueryWait()) + " ms), coordinates "
                + SessionClock.millis(t.capture())
                + " ms, held " + SessionClock.millis(t.lockHeld()) + " ms, release " + SessionClock.millis(t.release())
                + " ms"
                + (context.server().isGalera()
                        ? ", Galera wait " + SessionClock.millis(t.galeraWait()) + " ms, resync "
                                + SessionClock.millis(t.galeraResync()) + " ms"
                        : "")
                + "; coordinates "
                + (coordinates == null ? "not read" : coordinates) + "; undone: " + outcome.undone()
                + (outcome.clean() ? "" : "; NOT undone: " + outcome.notUndone());
    }
}
