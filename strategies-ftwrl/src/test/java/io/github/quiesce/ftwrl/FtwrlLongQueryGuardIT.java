package io.github.quiesce.ftwrl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.quiesce.BackupOptions;
import io.github.quiesce.BackupSession;
import io.github.quiesce.LockAcquisitionException;
import io.github.quiesce.LongQueryGuard;
import io.github.quiesce.testkit.EmbeddedServer;
import io.github.quiesce.testkit.EmbeddedServers;
import io.github.quiesce.testkit.ServerChecks;
import io.github.quiesce.testkit.ServerDistribution;
import io.github.quiesce.testkit.Writers;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pile-up FTWRL is feared for, on a real MySQL 8.0.15: a long SELECT on the table writers use.
 * With the guard (the default) writers never freeze; without it they wait for the query. Measured
 * side by side, with generous margins for a noisy machine.
 */
class FtwrlLongQueryGuardIT {

    private static final Logger LOG = LoggerFactory.getLogger(FtwrlLongQueryGuardIT.class);
    private static final String SCHEMA = "quiesce_it";

    private final EmbeddedServer server = EmbeddedServers.shared(ServerDistribution.MYSQL_8_0_15);

    private static BackupOptions ftwrl(LongQueryGuard guard) {
        return BackupOptions.builder()
                .strategy(FtwrlStrategy.NAME)
                .lockWaitTimeout(Duration.ofSeconds(30))
                .longQueryGuard(guard)
                .build();
    }

    private String table() {
        return Writers.newTable(server, SCHEMA, "guard");
    }

    private Writers writersOn(String table) throws InterruptedException {
        return Writers.running(server, SCHEMA, table);
    }

    private CompletableFuture<Long> longSelect(String table, int seconds) throws InterruptedException {
        CompletableFuture<Long> q =
                ServerChecks.runAsync(server, "SELECT SLEEP(" + seconds + "), COUNT(*) FROM " + SCHEMA + "." + table);
        Thread.sleep(1_200);
        return q;
    }

    @Test
    void withTheDefaultGuardALongQueryNeverFreezesWritersAndTheErrorNamesIt() throws Exception {
        String table = table();
        try (Writers writers = writersOn(table)) {
            CompletableFuture<Long> query = longSelect(table, 4);
            long from = System.nanoTime();
            LongQueryGuard shortWait =
                    new LongQueryGuard(Duration.ofSeconds(1), Duration.ofMillis(800), LongQueryGuard.QueryType.ALL);
            assertThatThrownBy(() -> BackupSession.open(server.dataSource(), ftwrl(shortWait)))
                    .isInstanceOf(LockAcquisitionException.class)
                    .hasMessageContaining("SELECT SLEEP(4)")
                    .hasMessageContaining("long-query guard");
            long to = System.nanoTime();
            writers.awaitCommitted(writers.committed() + 8, 10_000);
            double worst = writers.worstLatencyMillis(from, to);
            LOG.info("long query + guard giving up: worst writer commit {} ms", worst);
            assertThat(worst)
                    .as("writers never froze (the query had ~2,800 ms left)")
                    .isLessThan(600);
            assertThat(query).as("the long query was left alone").isNotDone();
            query.get(10, TimeUnit.SECONDS);
            assertThat(writers.errors()).isEmpty();
        }
        assertThat(ServerChecks.globalMetadataLocks(server))
                .as("nothing left locked")
                .isZero();
    }

    @Test
    void theGuardWaitsForTheQueryThenLocksWhereNoGuardFreezesWritersForTheQuerysLength() throws Exception {
        String table = table();
        try (Writers writers = writersOn(table)) {

            CompletableFuture<Long> query = longSelect(table, 3);
            long from = System.nanoTime();
            try (BackupSession s = BackupSession.open(server.dataSource(), ftwrl(LongQueryGuard.DEFAULT))) {
                assertThat(query).as("the guard waited for the query to end").isDone();
                s.coordinates();
            }
            double guarded = writers.worstLatencyMillis(from, System.nanoTime());
            query.get(10, TimeUnit.SECONDS);

            query = longSelect(table, 3);
            from = System.nanoTime();
            try (BackupSession s = BackupSession.open(server.dataSource(), ftwrl(LongQueryGuard.OFF))) {
                s.coordinates();
            }
            writers.awaitCommitted(writers.committed() + 8, 10_000);
            double unguarded = writers.worstLatencyMillis(from, System.nanoTime());
            query.get(10, TimeUnit.SECONDS);

            LOG.info(
                    "3 s SELECT on the written table: worst writer commit with the guard {} ms, without {} ms",
                    guarded,
                    unguarded);
            assertThat(unguarded)
                    .as("plain FTWRL behind the query freezes writers")
                    .isGreaterThan(1_000);
            assertThat(guarded)
                    .as("with the guard, vs %s ms without", unguarded)
                    .isLessThan(unguarded / 3);
            assertThat(writers.errors()).isEmpty();
        }
        assertThat(ServerChecks.globalMetadataLocks(server)).isZero();
    }
}
