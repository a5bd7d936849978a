package io.github.quiesce.bench;

/** One way to reach a consistent point with coordinates and let go again: a peer's flow or a quiesce strategy. */
interface Tool {

    String name();

    boolean appliesTo(Target target);

    /**
     * Takes the point, reads the coordinates, releases. Returns the statements it sent and, where the
     * tool says so, when its lock was requested and released (quiesce probes and picks a strategy first,
     * which blocks nobody and is left out of its lock window).
     */
    Outcome run(Target target) throws Exception;

    /**
     * @param statements statements sent, or -1 if unknown
     * @param lockFrom   {@code System.nanoTime()} when the lock was requested, or 0 for "the whole run"
     * @param lockTo     when it was released, or 0 for "the whole run"
     */
    record Outcome(int statements, long lockFrom, long lockTo) {
        static Outcome wholeRun(int statements) {
            return new Outcome(statements, 0, 0);
        }
    }
}
