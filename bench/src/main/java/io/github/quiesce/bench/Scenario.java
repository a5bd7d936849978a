package io.github.quiesce.bench;

import java.util.List;
import java.util.Set;

/**
 * What else happens on the server while each tool runs. {@link #prepare} once before the scenario's
 * runs, {@link #beforeRun} before each run (its result is closed after the run), {@link #finish} at the end.
 */
interface Scenario {

    String name();

    boolean appliesTo(Target target);

    /** The tools compared here, by name; empty for all. */
    default Set<String> tools() {
        return Set.of();
    }

    /** Tools that exist only for this scenario (e.g. a session with n snapshot workers); empty: the common ones. */
    default List<Tool> ownTools() {
        return List.of();
    }

    /** Writer threads committing during this scenario. */
    default int writers() {
        return Bench.WRITERS;
    }

    /** Runs of each tool. */
    default int reps(Bench.Config config) {
        return config.reps();
    }

    default void prepare(Target target) throws Exception {}

    default AutoCloseable beforeRun(Target target) throws Exception {
        return () -> {};
    }

    default void finish(Target target) throws Exception {}
}
