package io.github.quiesce.testkit.restore;

import java.util.Objects;

/**
 * What one restore-and-replay says about a point. Only a copy replayed from its own coordinates and
 * matching the source row for row proves the coordinates match the data: a point one transaction early
 * replays a change the copy already holds (replication error, or a duplicated row in a table without a
 * key), one late skips a change (a row missing or stale, seen only by comparing rows).
 *
 * @param outcome AGREES, REFUSED (no point was given: the session failed with a typed error) or DIVERGED
 * @param detail  why: the replication error or the per-table differences, or the refusal; "" when it agrees
 */
public record Verdict(Outcome outcome, String detail) {

    /** The three answers the oracle's table counts. */
    public enum Outcome {
        AGREES,
        REFUSED,
        DIVERGED
    }

    public Verdict {
        Objects.requireNonNull(outcome, "outcome");
        detail = detail == null ? "" : detail;
    }

    public static Verdict agrees() {
        return new Verdict(Outcome.AGREES, "");
    }

    public static Verdict refused(Exception cause) {
        return new Verdict(Outcome.REFUSED, cause.getClass().getSimpleName() + ": " + cause.getMessage());
    }

    public static Verdict diverged(String why) {
        return new Verdict(Outcome.DIVERGED, why);
    }

    public boolean is(Outcome o) {
        return outcome == o;
    }

    @Override
    public String toString() {
        return detail.isEmpty() ? outcome.name() : outcome + " (" + detail + ")";
    }
}
