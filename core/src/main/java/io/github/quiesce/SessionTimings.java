package io.github.quiesce;

import java.time.Duration;

/**
 * How long each phase of a session took.
 *
 * @param probe    probing the server (variables, grants, replica status)
 * @param lockWait from sending the lock statements until the lock was held
 * @param capture  reading the coordinates (zero until {@code coordinates()} was first called)
 * @param lockHeld from the lock being held until it was released (so far, while the session is open)
 */
public record SessionTimings(Duration probe, Duration lockWait, Duration capture, Duration lockHeld) {

    public double lockWaitMillis() {
        return lockWait.toNanos() / 1e6;
    }

    public double lockHeldMillis() {
        return lockHeld.toNanos() / 1e6;
    }
}
