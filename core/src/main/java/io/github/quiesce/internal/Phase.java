package io.github.quiesce.internal;

import java.util.Set;

/**
 * Where an open session is. The only moves are the ones {@link #next()} lists; {@link SessionPhase}
 * makes each one atomically, so the caller's thread and the watchdog never both release.
 */
enum Phase {
    /** The lock is held; the coordinates may be read. */
    HELD,
    /** The watchdog is killing the lock connection; a release waits for it to finish. */
    KILLING,
    /** The watchdog killed the lock connection; the release treats it as lost. */
    KILLED,
    /** Every registered step is being undone. */
    RELEASING,
    /** Released by the caller. */
    CLOSED,
    /** Released after a failure under the lock. */
    FAILED,
    /** Released by the watchdog after maxLockHold. */
    EXPIRED;

    Set<Phase> next() {
        return switch (this) {
            case HELD -> Set.of(KILLING, RELEASING);
            case KILLING -> Set.of(KILLED);
            case KILLED -> Set.of(RELEASING);
            case RELEASING -> Set.of(CLOSED, FAILED, EXPIRED);
            case CLOSED, FAILED, EXPIRED -> Set.of();
        };
    }

    boolean isReleased() {
        return this == CLOSED || this == FAILED || this == EXPIRED;
    }
}
