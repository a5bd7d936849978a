package io.github.quiesce.fault;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.github.quiesce.BackupSession;
import io.github.quiesce.testkit.ServerChecks;
import io.github.quiesce.testkit.Writers;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * open → coordinates → close, many times per strategy with four writers running: every cycle's point
 * matches the data (rows at the point = the writers' transactions in its GTID set), and nothing grows:
 * server connections, JVM threads, the pool. {@code quiesce.soak.cycles}: 30 in CI, 200 with {@code -Psoak}.
 */
class SoakIT {

    private static final int CYCLES = Integer.getInteger("quiesce.soak.cycles", 20);
    private static final int POOL_SIZE = 4;

    @TempDir
    Path journals;

    static Stream<Target> targets() {
        return Target.mainVersions();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("targets")
    void cyclesLeaveNothingBehindAndEveryPointMatchesTheData(Target target) throws Exception {
        Stage stage = Stage.of(target, journals);
        try (Writers writers = stage.startWriters();
                HikariDataSource pool = stage.lockServer.pooledDataSource("root", "", POOL_SIZE)) {
            cycle(stage, pool);
            // Measured after one cycle, so that the pool's own connections are counted in the baseline.
            long connectionsBefore = threadsConnected(stage);
            int jvmThreadsBefore = Thread.activeCount();
            long start = System.nanoTime();
            for (int i = 1; i < CYCLES; i++) {
                cycle(stage, pool);
            }
            double totalMs = (System.nanoTime() - start) / 1e6;
            long connectionsAfter = threadsConnected(stage);
            int jvmThreadsAfter = threadsSettled(jvmThreadsBefore + 2);
            String figures = String.format(
                    Locale.ROOT,
                    "soak %s: %d cycles in %.0f ms (%.1f ms per cycle), Threads_connected %d -> %d,"
                            + " JVM threads %d -> %d, pool total %d (max %d), %d writer commits",
                    target,
                    CYCLES,
                    totalMs,
                    totalMs / (CYCLES - 1),
                    connectionsBefore,
                    connectionsAfter,
                    jvmThreadsBefore,
                    jvmThreadsAfter,
                    pool.getHikariPoolMXBean().getTotalConnections(),
                    POOL_SIZE,
                    writers.committed());
            System.out.println(figures);

            assertThat(connectionsAfter).as(figures).isLessThanOrEqualTo(connectionsBefore + 1);
            // The two shared timer threads may come and go; anything beyond that would be a leak per cycle.
            assertThat(jvmThreadsAfter).as(figures).isLessThanOrEqualTo(jvmThreadsBefore + 2);
            assertThat(pool.getHikariPoolMXBean().getActiveConnections())
                    .as(figures)
                    .isZero();
            assertThat(pool.getHikariPoolMXBean().getTotalConnections())
                    .as(figures)
                    .isLessThanOrEqualTo(POOL_SIZE);
            assertThat(writers.errors()).isEmpty();
        }
        stage.assertLeftAsFound();
    }

    private static void cycle(Stage stage, HikariDataSource pool) throws Exception {
        try (BackupSession s = BackupSession.open(pool, stage.options().build())) {
            stage.assertConsistent(s);
        }
    }

    /** Client connections to the server (MariaDB keeps performance_schema off by default, so its status is in information_schema). */
    private static long threadsConnected(Stage stage) {
        String table = stage.target.mariaDb() ? "information_schema.GLOBAL_STATUS" : "performance_schema.global_status";
        return ServerChecks.count(
                stage.lockServer, "SELECT VARIABLE_VALUE FROM " + table + " WHERE VARIABLE_NAME = 'Threads_connected'");
    }

    /**
     * The JVM's thread count once it is down to {@code expected}, or after 3 s: a session's snapshot starter
     * threads end a second after its release, on purpose (SnapshotSet.stopStartersSoon). A leak stays.
     */
    private static int threadsSettled(int expected) {
        long deadline = System.nanoTime() + 3_000_000_000L;
        while (Thread.activeCount() > expected && System.nanoTime() < deadline) {
            Stage.sleep(100);
        }
        return Thread.activeCount();
    }
}
