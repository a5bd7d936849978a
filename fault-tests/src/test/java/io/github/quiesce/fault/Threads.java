package io.github.quiesce.fault;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** The JVM's threads before and after a fault: quiesce must leave none of its own behind. */
final class Threads {

    /**
     * Threads that may appear and are not quiesce's leak: its two shared timer threads (they exit after
     * 10 s idle), the JDK's common pool the test helpers use, the JDK's reaper of the processes the tests
     * start and stop (servers, a child JVM), and Connector/J's one cleanup thread.
     */
    private static final List<String> EXPECTED = List.of(
            "quiesce-timer-", "ForkJoinPool.commonPool-", "process reaper", "mysql-cj-abandoned-connection-cleanup");

    private final Set<Thread> before;

    private Threads(Set<Thread> before) {
        this.before = before;
    }

    static Threads snapshot() {
        return new Threads(Set.copyOf(Thread.getAllStackTraces().keySet()));
    }

    /** Waits up to 5 s for threads that are ending (pool housekeepers, writers) before judging. */
    void assertNoneLeft() {
        long deadline = System.nanoTime() + 5_000_000_000L;
        List<String> extra = extra();
        while (!extra.isEmpty() && System.nanoTime() < deadline) {
            Stage.sleep(100);
            extra = extra();
        }
        assertThat(extra).as("threads left behind").isEmpty();
    }

    private List<String> extra() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> !before.contains(t) && t.isAlive())
                .map(Thread::getName)
                .filter(name -> EXPECTED.stream().noneMatch(name::startsWith))
                .sorted()
                .collect(Collectors.toList());
    }
}
