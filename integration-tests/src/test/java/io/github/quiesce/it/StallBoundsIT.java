package io.github.quiesce.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.quiesce.BackupOptions;
import io.github.quiesce.BackupSession;
import io.github.quiesce.testkit.EmbeddedServer;
import io.github.quiesce.testkit.EmbeddedServers;
import io.github.quiesce.testkit.ServerChecks;
import io.github.quiesce.testkit.ServerDistribution;
import io.github.quiesce.testkit.Writers;
import java.sql.Connection;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The benchmark issue's targets as tests, with default options and every strategy on the classpath, on
 * a real MySQL 8.0.15: with a long SELECT in flight on the written table, {@code auto} stalls writers for
 * milliseconds (target 10 ms) and, with FTWRL forced by a MyISAM table, for at most tens (target 50 ms);
 * raw FTWRL stalls them for the query's length; snapshot workers under {@code auto} hold them for
 * milliseconds (issue 20). The bounds asserted leave room for a noisy CI machine;
 * the benchmark reports the exact figures.
 */
class StallBoundsIT {

    private static final Logger LOG = LoggerFactory.getLogger(StallBoundsIT.class);
    private static final String SCHEMA = "quiesce_it";

    private final EmbeddedServer server = EmbeddedServers.shared(ServerDistribution.MYSQL_8_0_15);

    @Test
    void withALongSelectInFlightDefaultsStallWritersForMillisecondsWhetherOrNotFtwrlIsForced() throws Exception {
        String table = Writers.newTable(server, SCHEMA, "stall");
        try (Writers writers = Writers.running(server, SCHEMA, table)) {

            double auto = worstDuringOneSession(writers, table, "mysql-instance-lock");

            String legacy = table + "_myisam";
            server.execute("CREATE TABLE " + SCHEMA + "." + legacy + " (id INT PRIMARY KEY) ENGINE=MyISAM");
            double forced;
            try {
                // A MyISAM table rules the instance lock out; auto then takes table-locks (issue 17), which blocks
                // the same writes as FTWRL but flushes nothing. FTWRL itself behind a young query: YoungQueryStallIT.
                forced = worstDuringOneSession(writers, table, "table-locks");
            } finally {
                server.execute("DROP TABLE " + SCHEMA + "." + legacy);
            }

            LOG.info(
                    "3 s SELECT on the written table, default options: worst writer commit {} ms under auto, {} ms with FTWRL forced",
                    auto,
                    forced);
            // A frozen writer would wait the query's remaining ~1,800 ms. The bounds leave room for what this kind of
            // machine does alone: single commits of up to ~180 ms with no backup running at all.
            assertThat(auto).as("auto, non-FTWRL strategy (target 10 ms)").isLessThan(500);
            assertThat(forced)
                    .as("instance lock ruled out by MyISAM (target 50 ms)")
                    .isLessThan(800);
            assertThat(writers.errors()).isEmpty();
        }
        assertThat(ServerChecks.globalMetadataLocks(server)).isZero();
    }

    /**
     * Issue 20: {@code auto} with snapshot workers on MySQL 8.0 opens them under a brief FTWRL, and once read
     * the coordinates there through the 250 ms settling wait meant for reads taken while commits run, so
     * every session held every writer 250 ms (259 ms measured). Five sessions with 8 prepared workers, no
     * long query: the median worst commit must stay far below that. With the old wait put back, all five
     * held writers 264–276 ms and this failed; with the fix, 11–26 ms (one 127 ms outlier).
     */
    @Test
    void snapshotWorkersUnderAutoHoldWritersForMillisecondsNotASettlingWait() throws Exception {
        String table = Writers.newTable(server, SCHEMA, "snapshots");
        BackupOptions options = BackupOptions.builder().prepareSnapshots(8).build();
        double[] worst = new double[5];
        try (Writers writers = Writers.running(server, SCHEMA, table)) {
            for (int i = 0; i < worst.length; i++) {
                long from = System.nanoTime();
                try (BackupSession s = BackupSession.open(server.dataSource(), options)) {
                    assertThat(s.strategy()).isEqualTo("mysql-instance-lock");
                    for (Connection c : s.snapshotConnections(8)) {
                        c.close();
                    }
                    s.coordinates();
                }
                long to = System.nanoTime();
                writers.awaitCommitted(writers.committed() + 8, 10_000);
                worst[i] = writers.worstLatencyMillis(from, to);
            }
            assertThat(writers.errors()).isEmpty();
        }
        Arrays.sort(worst);
        LOG.info("auto, 8 prepared snapshot workers, 4 writers: worst writer commit per session {} ms", worst);
        assertThat(worst[worst.length / 2])
                .as("median worst commit of %s ms", Arrays.toString(worst))
                .isLessThan(120);
    }

    private double worstDuringOneSession(Writers writers, String table, String expectedStrategy) throws Exception {
        CompletableFuture<Long> query =
                ServerChecks.runAsync(server, "SELECT SLEEP(3), COUNT(*) FROM " + SCHEMA + "." + table);
        Thread.sleep(1_200);
        long from = System.nanoTime();
        try (BackupSession s = BackupSession.open(server.dataSource())) {
            assertThat(s.strategy()).isEqualTo(expectedStrategy);
            s.coordinates();
        }
        long to = System.nanoTime();
        query.get(10, TimeUnit.SECONDS);
        writers.awaitCommitted(writers.committed() + 8, 10_000);
        return writers.worstLatencyMillis(from, to);
    }
}
