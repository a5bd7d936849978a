package io.github.quiesce.internal;

import io.github.quiesce.SessionTimings;
import java.time.Duration;
import java.util.Locale;

/** The one clock of a session: each phase's duration as it ends, read by {@link #timings} and the summary line. */
final class SessionClock {

    private final Duration probe;
    private final Duration choose;
    private final Duration lockWait;
    private final long lockedAt;
    private volatile Duration capture = Duration.ZERO;
    private volatile Duration lockHeld;
    private volatile Duration release = Duration.ZERO;
    private volatile Duration galeraResync = Duration.ZERO;

    SessionClock(Duration probe, Duration choose, Duration lockWait, long lockedAtNanos) {
        this.probe = probe;
        this.choose = choose;
        this.lockWait = lockWait;
        this.lockedAt = lockedAtNanos;
    }

    static long now() {
        return System.nanoTime();
    }

    static Duration since(long startNanos) {
        return Duration.ofNanos(now() - startNanos);
    }

    void captured(Duration took) {
        capture = took;
    }

    void unlocked() {
        lockHeld = since(lockedAt);
    }

    void released(Duration took) {
        release = took;
    }

    void galeraResynced(Duration took) {
        galeraResync = took;
    }

    Duration capture() {
        return capture;
    }

    /** The lock's hold time: until it was released, or so far. */
    SessionTimings timings(Duration longQueryWait, Duration galeraWait) {
        Duration held = lockHeld != null ? lockHeld : since(lockedAt);
        return new SessionTimings(
                probe, choose, longQueryWait, lockWait, capture, held, release, galeraWait, galeraResync);
    }

    static String millis(Duration d) {
        return String.format(Locale.ROOT, "%.1f", d.toNanos() / 1e6);
    }
}
