package io.github.quiesce.internal;

import java.util.concurrent.atomic.AtomicReference;

/** The one place a session's {@link Phase} changes. */
final class SessionPhase {

    private final AtomicReference<Phase> phase = new AtomicReference<>(Phase.HELD);

    Phase get() {
        return phase.get();
    }

    /** Moves {@code from} to {@code to} if the session is still at {@code from}; an illegal move is a bug. */
    boolean move(Phase from, Phase to) {
        if (!from.next().contains(to)) {
            throw new IllegalStateException("a session cannot go from " + from + " to " + to);
        }
        boolean moved = phase.compareAndSet(from, to);
        if (moved && from == Phase.KILLING) {
            synchronized (this) {
                notifyAll();
            }
        }
        return moved;
    }

    /**
     * Starts the release, for the caller or the watchdog: from {@link Phase#HELD}, or from
     * {@link Phase#KILLED} once the watchdog's kill is done (waited for, so that a released connection,
     * which may be back in a pool, is never killed).
     *
     * @return the phase the release starts from, or null when another thread released already
     */
    Phase beginRelease() {
        while (true) {
            Phase now = phase.get();
            if (now == Phase.KILLING) {
                awaitKillDone();
            } else if ((now == Phase.HELD || now == Phase.KILLED) && phase.compareAndSet(now, Phase.RELEASING)) {
                return now;
            } else if (now != Phase.HELD && now != Phase.KILLED) {
                return null;
            }
        }
    }

    private synchronized void awaitKillDone() {
        boolean interrupted = false;
        while (phase.get() == Phase.KILLING) {
            try {
                wait();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
