package io.github.quiesce.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.quiesce.BackupOptions;
import io.github.quiesce.BackupSession;
import io.github.quiesce.testkit.ServerChecks;
import io.github.quiesce.testkit.Writers;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The contract of strategies that let InnoDB writers run while held (MySQL's instance lock, MariaDB's
 * BACKUP STAGE before the coordinates are read): DML flows, DDL waits. The writer stall is measured
 * side by side with FTWRL's in the same test, so a noisy machine moves both figures alike.
 */
public abstract class BlocksDdlOnlyContract extends LockStrategyContract {

    private static final Logger LOG = LoggerFactory.getLogger(BlocksDdlOnlyContract.class);
    private static final long HOLD_MILLIS = 600;

    @Test
    void innodbWritersKeepCommittingWhileDdlWaitsUntilClose() throws Exception {
        String table = uniqueTable("flowing");
        Writers.createTable(server, SCHEMA, table);
        CompletableFuture<Long> ddl;
        try (Writers writers = Writers.start(server, SCHEMA, table, 4, 1_000_000)) {
            writers.awaitCommitted(20, 10_000);
            try (BackupSession s =
                    BackupSession.open(server.dataSource(), options().build())) {
                assertThat(s.strategy()).isEqualTo(strategyName());
                ddl = ServerChecks.runAsync(
                        server,
                        "CREATE TABLE " + SCHEMA + "." + uniqueTable("ddl") + " (id INT PRIMARY KEY) ENGINE=InnoDB");
                long before = writers.committed();
                Thread.sleep(HOLD_MILLIS);
                assertThat(writers.committed())
                        .as("InnoDB DML flows while the lock is held")
                        .isGreaterThan(before + 10);
                assertThat(ddl).as("DDL waits while the lock is held").isNotDone();
            }
            ddl.get(10, TimeUnit.SECONDS);
            assertThat(writers.errors()).isEmpty();
        }
    }

    @Test
    void writersStallFarLessThanUnderFtwrlInTheSameRun() throws Exception {
        String table = uniqueTable("stall");
        Writers.createTable(server, SCHEMA, table);
        try (Writers writers = Writers.start(server, SCHEMA, table, 4, 1_000_000)) {
            writers.awaitCommitted(20, 10_000);
            double ours = worstStallWhileHeld(writers, options().build());
            double ftwrl = worstStallWhileHeld(
                    writers,
                    BackupOptions.builder()
                            .strategy("ftwrl")
                            .lockWaitTimeout(Duration.ofSeconds(10))
                            .build());
            double oursAgain = worstStallWhileHeld(writers, options().build());
            LOG.info(
                    "{} on {}: worst writer commit while held {} ms: {} {} ms / {} ms, ftwrl {} ms",
                    strategyName(),
                    distribution(),
                    HOLD_MILLIS,
                    strategyName(),
                    fmt(ours),
                    fmt(oursAgain),
                    fmt(ftwrl));
            assertThat(ftwrl).as("FTWRL stalls writers for about the hold time").isGreaterThan(HOLD_MILLIS * 0.6);
            assertThat(Math.min(ours, oursAgain))
                    .as("%s stall vs FTWRL's %s ms", strategyName(), fmt(ftwrl))
                    .isLessThan(ftwrl / 4);
            assertThat(writers.errors()).isEmpty();
        }
    }

    private double worstStallWhileHeld(Writers writers, BackupOptions options) throws InterruptedException {
        long from = System.nanoTime();
        try (BackupSession s = BackupSession.open(server.dataSource(), options)) {
            Thread.sleep(HOLD_MILLIS);
        }
        long to = System.nanoTime();
        writers.awaitCommitted(writers.committed() + 8, 10_000);
        return writers.worstLatencyMillis(from, to);
    }

    private static String fmt(double millis) {
        return String.format(java.util.Locale.ROOT, "%.1f", millis);
    }
}
