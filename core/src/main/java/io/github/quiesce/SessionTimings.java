package io.github.quiesce;

import java.time.Duration;

/**
 * How long each phase of a session took.
 *
 * @param probe         probing the server (variables, grants, replica status)
 * @param choose        choosing the strategy, including its read-only checks of the server
 * @param longQueryWait the part of {@code lockWait} spent by the long-query guard waiting for long statements
 * @param lockWait      from sending the lock statements until the lock was held (guard wait and cancelled attempts included)
 * @param capture       reading the coordinates, with any snapshot transactions (zero until {@code coordinates()} was first called)
 * @param lockHeld      from the lock being held until it was released (so far, while the session is open)
 * @param release       running the release steps (zero while open)
 * @param galeraWait    on a Galera node, the part of {@code lockWait} spent waiting for the node to be Synced with a short receive queue
 * @param galeraResync  on a Galera node, waiting after the release for the node to be Synced again (zero elsewhere, and while open)
 */
public record SessionTimings(
        Duration probe,
        Duration choose,
        Duration longQueryWait,
        Duration lockWait,
        Duration capture,
        Duration lockHeld,
        Duration release,
        Duration galeraWait,
        Duration galeraResync) {

    /** Timings of a server that is not a Galera node. */
    public SessionTimings(
            Duration probe,
            Duration choose,
            Duration longQueryWait,
            Duration lockWait,
            Duration capture,
            Duration lockHeld,
            Duration release) {
        this(probe, choose, longQueryWait, lockWait, capture, lockHeld, release, Duration.ZERO, Duration.ZERO);
    }

    public double lockWaitMillis() {
        return lockWait.toNanos() / 1e6;
    }

    public double lockHeldMillis() {
        return lockHeld.toNanos() / 1e6;
    }
}
