package io.github.quiesce.it;

import io.github.quiesce.testkit.restore.ReplayMode;
import io.github.quiesce.testkit.restore.Round;
import io.github.quiesce.testkit.restore.Verdict;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The matrix's result, one row per combination and replay mode, in the order they ran: the table the
 * issue asks for, with the first reason of each row that did not simply agree, so that a red run says
 * which error the replay hit without digging through the log.
 */
final class ReplayTally {

    private final Map<String, Row> rows = new LinkedHashMap<>();

    private static final class Row {
        final Map<Verdict.Outcome, Integer> counts = new EnumMap<>(Verdict.Outcome.class);
        final List<String> reasons = new ArrayList<>();
        int rounds;
    }

    synchronized void add(String combination, Round round) {
        round.verdicts().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            Row row = rows.computeIfAbsent(combination + " | " + e.getKey().label(), k -> new Row());
            Verdict v = e.getValue();
            row.rounds++;
            row.counts.merge(v.outcome(), 1, Integer::sum);
            if (!v.is(Verdict.Outcome.AGREES) && row.reasons.isEmpty()) {
                row.reasons.add(v.toString());
            }
        });
    }

    /** Verdicts of one combination and mode so far. */
    synchronized int count(String combination, ReplayMode mode, Verdict.Outcome outcome) {
        Row row = rows.get(combination + " | " + mode.label());
        return row == null ? 0 : row.counts.getOrDefault(outcome, 0);
    }

    synchronized String table() {
        int width = rows.keySet().stream().mapToInt(String::length).max().orElse(20);
        StringBuilder out = new StringBuilder();
        String format = "%-" + width + "s | %6s | %6s | %7s | %8s%n";
        out.append(String.format(format, "combination", "rounds", "agrees", "refused", "diverged"));
        out.append("-".repeat(width + 40)).append('\n');
        rows.forEach((name, row) -> out.append(String.format(
                format,
                name,
                row.rounds,
                n(row, Verdict.Outcome.AGREES),
                n(row, Verdict.Outcome.REFUSED),
                n(row, Verdict.Outcome.DIVERGED))));
        out.append('\n');
        rows.forEach((name, row) -> row.reasons.forEach(
                r -> out.append(name).append(": first ").append(r).append('\n')));
        return out.toString();
    }

    private static int n(Row row, Verdict.Outcome o) {
        return row.counts.getOrDefault(o, 0);
    }
}
