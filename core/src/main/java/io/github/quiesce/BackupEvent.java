package io.github.quiesce;

import java.time.Duration;
import java.util.List;

/**
 * One phase of a session, delivered to {@link BackupListener}s in the order it happened. A session
 * that succeeds sees: {@link Probed}, {@link StrategyChosen}, {@link LockRequested}, (while the
 * long-query guard waits: {@link WaitingForLongQueries} … {@link WaitedForLongQueries}),
 * {@link LockAcquired}, {@link CoordinatesCaptured}, {@link LockReleased}, {@link StateRestored};
 * {@link StatementExecuted} for every statement in between. On a Galera node, {@link WaitedForGalera} follows
 * {@link LockRequested} (after {@link WaitingForGalera} when the node lagged) and {@link StateRestored}.
 */
public sealed interface BackupEvent {

    /** When a session waits for a Galera node. */
    enum GaleraPhase {
        /** Before the lock: for the node to be Synced with a short receive queue ({@link GaleraGuard}). */
        BEFORE_LOCK,
        /** Before an explicit {@code SET GLOBAL wsrep_desync=OFF}: for the receive queue to drain (galera issue 289). */
        BEFORE_RESYNC,
        /** After the release: for the node to be Synced again. */
        AFTER_RELEASE
    }

    /** The server was probed: version, variables, grants. */
    record Probed(ServerInfo server, Duration took) implements BackupEvent {}

    /** The strategy that will be tried, and why (under {@code auto}: what was said about each). */
    record StrategyChosen(String strategy, String why) implements BackupEvent {}

    /** The strategy starts taking its lock. */
    record LockRequested(String strategy) implements BackupEvent {}

    /** Before a table-flushing lock: statements running too long for it; the guard waits. */
    record WaitingForLongQueries(String lock, List<LongQuery> blockers, Duration timeout) implements BackupEvent {}

    /** The guard's wait ended; {@code cleared} is false when it gave up. */
    record WaitedForLongQueries(String lock, Duration waited, boolean cleared) implements BackupEvent {}

    /** A Galera node is not ready ({@link GaleraState#readyToLock}, or not Synced after the release); the session waits up to {@code timeout}. */
    record WaitingForGalera(GaleraPhase phase, GaleraState state, Duration timeout) implements BackupEvent {}

    /** The wait for a Galera node ended: {@code ready} false when the timeout passed first; {@code state} is the last look. */
    record WaitedForGalera(GaleraPhase phase, Duration waited, boolean ready, GaleraState state)
            implements BackupEvent {}

    /** The opt-in killer ({@link LongQueryKiller}) ended a blocking statement with {@code KILL QUERY}. */
    record LongQueryKilled(LongQuery victim) implements BackupEvent {}

    /**
     * A lock statement waited longer than {@code acquireTimeout} and was cancelled with {@code KILL QUERY}
     * from a second connection, so writers stop queuing behind it; {@code attempt} counts from 1.
     */
    record LockAttemptCancelled(String statement, int attempt, Duration waited) implements BackupEvent {}

    /** The lock is held; {@code waited} includes any long-query guard wait and cancelled attempts. */
    record LockAcquired(String strategy, Duration waited) implements BackupEvent {}

    /** The coordinates were read under the lock (with {@code snapshots} snapshot transactions opened at that point). */
    record CoordinatesCaptured(BinlogCoordinates coordinates, int snapshots, Duration took) implements BackupEvent {}

    /** The session was still open after {@code maxLockHold}; its lock connection is being killed. */
    record WatchdogFired(String strategy, Duration maxLockHold, long lockConnectionId) implements BackupEvent {}

    /** The lock is no longer held: released on close, after a failure, or by the watchdog. */
    record LockReleased(String strategy, Duration held, String why) implements BackupEvent {}

    /** What the release path undid, newest first, and what it could not undo (empty when clean). */
    record StateRestored(List<String> undone, List<String> notUndone) implements BackupEvent {
        public StateRestored {
            undone = List.copyOf(undone);
            notUndone = List.copyOf(notUndone);
        }
    }

    /** One statement on one of the session's connections ({@code owner} as in the DEBUG log). */
    record StatementExecuted(String owner, String statement, Duration took, String outcome) implements BackupEvent {}
}
