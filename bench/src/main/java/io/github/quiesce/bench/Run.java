package io.github.quiesce.bench;

/** One run of one tool in one scenario: the writers' worst and p99 commit inside its window, and its length. */
record Run(
        String server,
        String scenario,
        String tool,
        int repetition,
        double worstMs,
        double p99Ms,
        double windowMs,
        int statements,
        String error) {

    boolean failed() {
        return error != null;
    }
}
