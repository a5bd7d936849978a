package io.github.quiesce.percona;

import io.github.quiesce.percona.ConformanceTarget.Requirement;
import java.util.Set;

/**
 * One assertion of Percona Server's own MTR tests, replayed through JDBC.
 *
 * @param source where it is, as {@code path:line} in the generation's tree (see {@link PerconaConformanceCases}):
 *               the line of the statement whose outcome is asserted, or the lines of the block
 * @param what   the assertion in words
 */
record ConformanceCase(PerconaGeneration generation, String source, String what, Set<Requirement> requires, Body body) {

    /** The case's statements, run after the standard tables of backup_locks.test's setup exist. */
    @FunctionalInterface
    interface Body {
        void run(Mtr mtr) throws Exception;
    }

    String displayName() {
        return "[" + (generation == PerconaGeneration.PS_80 ? "8.0" : "5.7") + "] " + source + " — " + what;
    }
}
