package io.github.quiesce.cli;

import io.github.quiesce.BackupEvent;
import io.github.quiesce.LongQuery;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * What the CLI is waiting for, as one line of text: kept from the session's {@link BackupEvent}s and the
 * CLI's own "the command runs now", and rendered against a clock so that a terminal can show it ticking.
 * Not thread-safe: {@link StatusPrinter} serialises the calls.
 */
final class StatusLine {

    /** Long enough to recognise a statement, short enough that the line fits a terminal. */
    private static final int QUERY_CHARS = 40;

    private enum Phase {
        IDLE,
        WAITING,
        HELD,
        RUNNING,
        RELEASED
    }

    private final LongSupplier nanoClock;
    private Phase phase = Phase.IDLE;
    private String strategy = "";
    private long since;
    private List<LongQuery> blockers = List.of();
    private int cancelledAttempts;
    private Duration lastAttemptWaited = Duration.ZERO;
    private Duration waited = Duration.ZERO;
    private Duration held = Duration.ZERO;
    private boolean watchdogFired;
    /** A Galera node the session waits for before the lock, as last seen; null when not waiting for one. */
    private String galeraLag;

    /** @param nanoClock {@link System#nanoTime()}, or a test's clock */
    StatusLine(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    /** @return true when the line now says something else, beyond its clock having moved */
    boolean onEvent(BackupEvent event) {
        if (event instanceof BackupEvent.LockRequested r) {
            phase = Phase.WAITING;
            strategy = r.strategy();
            since = nanoClock.getAsLong();
            blockers = List.of();
            galeraLag = null;
            cancelledAttempts = 0;
            watchdogFired = false;
            return true;
        }
        if (event instanceof BackupEvent.WaitingForGalera g && g.phase() == BackupEvent.GaleraPhase.BEFORE_LOCK) {
            galeraLag = g.state().describe();
            return true;
        }
        if (event instanceof BackupEvent.WaitedForGalera g && g.phase() == BackupEvent.GaleraPhase.BEFORE_LOCK) {
            boolean was = galeraLag != null;
            galeraLag = null;
            return was;
        }
        if (event instanceof BackupEvent.WaitingForLongQueries w) {
            blockers = List.copyOf(w.blockers());
            return true;
        }
        if (event instanceof BackupEvent.WaitedForLongQueries) {
            blockers = List.of();
            return true;
        }
        if (event instanceof BackupEvent.LongQueryKilled k) {
            int before = blockers.size();
            blockers = blockers.stream()
                    .filter(q -> !q.id().equals(k.victim().id()))
                    .toList();
            return blockers.size() != before;
        }
        if (event instanceof BackupEvent.LockAttemptCancelled c) {
            cancelledAttempts = c.attempt();
            lastAttemptWaited = c.waited();
            return true;
        }
        if (event instanceof BackupEvent.LockAcquired a) {
            phase = Phase.HELD;
            since = nanoClock.getAsLong();
            waited = a.waited();
            return true;
        }
        if (event instanceof BackupEvent.WatchdogFired) {
            watchdogFired = true;
            return true;
        }
        if (event instanceof BackupEvent.LockReleased r) {
            phase = Phase.RELEASED;
            held = r.held();
            return true;
        }
        if (event instanceof BackupEvent.StateRestored && phase == Phase.WAITING) {
            // The attempt failed and was rolled back: nothing is awaited until a fallback asks again.
            phase = Phase.IDLE;
            return true;
        }
        return false;
    }

    /** The CLI starts --exec under the lock. @return true when the line changed */
    boolean commandStarted() {
        if (phase != Phase.HELD) {
            return false;
        }
        phase = Phase.RUNNING;
        return true;
    }

    /** @return true while the line counts time, so that a terminal should redraw it */
    boolean ticking() {
        return phase == Phase.WAITING || phase == Phase.HELD || phase == Phase.RUNNING;
    }

    /** @return true once the lock was released: the line is final */
    boolean finished() {
        return phase == Phase.RELEASED;
    }

    /** @return the line, without a line break; null when there is nothing to say */
    String render() {
        String elapsed = seconds(Duration.ofNanos(nanoClock.getAsLong() - since));
        return switch (phase) {
            case IDLE -> null;
            case WAITING -> "quiesce: waiting " + elapsed + " for the lock '" + strategy + "'" + waitingFor();
            case HELD -> "quiesce: lock '" + strategy + "' held " + elapsed
                    + (watchdogFired ? watchdogNote() : " (waited " + seconds(waited) + ")");
            case RUNNING -> "quiesce: lock '" + strategy + "' held " + elapsed
                    + (watchdogFired ? watchdogNote() : ", running --exec");
            case RELEASED -> "quiesce: lock '" + strategy + "' released after " + seconds(held) + " held";
        };
    }

    private String waitingFor() {
        if (galeraLag != null) {
            return " (the Galera node lags: " + galeraLag + ")";
        }
        if (!blockers.isEmpty()) {
            String first = describe(blockers.get(0));
            return blockers.size() == 1
                    ? " (long query " + first + ")"
                    : " (" + blockers.size() + " long queries, the first " + first + ")";
        }
        if (cancelledAttempts > 0) {
            return " (attempt " + cancelledAttempts + " cancelled after " + seconds(lastAttemptWaited)
                    + " so writers do not queue; retrying)";
        }
        return "";
    }

    private static String watchdogNote() {
        return ": past --max-lock-hold, the watchdog is releasing it";
    }

    private static String describe(LongQuery q) {
        return "id " + q.id() + " by " + q.user() + " for " + q.millis() + " ms: " + abbreviate(q.query());
    }

    /** One line whatever the statement holds: a line break in it would break the line in place. */
    private static String abbreviate(String query) {
        String flat = query.replaceAll("[\\s\\p{Cntrl}]+", " ").strip();
        return flat.length() <= QUERY_CHARS ? flat : flat.substring(0, QUERY_CHARS - 3) + "...";
    }

    private static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.1f s", d.toNanos() / 1e9);
    }
}
