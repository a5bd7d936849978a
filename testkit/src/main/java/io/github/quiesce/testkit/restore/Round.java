package io.github.quiesce.testkit.restore;

import java.util.Map;

/**
 * One restore-and-replay round: a verdict per replay mode, and what the round did, so that a round that
 * agreed because nothing happened can be told from one that agreed under load.
 *
 * @param verdicts     per replay mode; all REFUSED when no point was given
 * @param point        the claimed point; null when refused
 * @param transactions transactions the workload committed during the round
 * @param conflicts    deadlocks and lock wait timeouts the workload rolled back
 * @param rowsCopied   rows in the copy; 0 when refused
 */
public record Round(
        Map<ReplayMode, Verdict> verdicts, ReplayPoint point, long transactions, long conflicts, long rowsCopied) {

    public Round {
        verdicts = Map.copyOf(verdicts);
    }

    @Override
    public String toString() {
        return verdicts + " at " + point + " (" + transactions + " transactions, " + conflicts + " conflicts, "
                + rowsCopied + " rows copied)";
    }
}
