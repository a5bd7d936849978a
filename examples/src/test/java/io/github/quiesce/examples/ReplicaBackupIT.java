package io.github.quiesce.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.quiesce.testkit.Gtids;
import io.github.quiesce.testkit.ReplicaPair;
import io.github.quiesce.testkit.ServerChecks;
import io.github.quiesce.testkit.ServerDistribution;
import io.github.quiesce.testkit.Writers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Example 3 on a real MySQL 8.0.15 source and replica, with four writers on the source throughout. */
class ReplicaBackupIT {

    private static ReplicaPair pair;

    @BeforeAll
    static void startPair() {
        pair = ReplicaPair.start(ServerDistribution.MYSQL_8_0_15);
    }

    @AfterAll
    static void stopPair() {
        if (pair != null) {
            pair.close();
        }
    }

    @Test
    void copiesTheReplicaAtTheSourcePointItNamesWhileTheSourceRunsOn(@TempDir Path dir) throws Exception {
        Writers.createTable(pair.source(), "shop", "orders");
        pair.awaitCaughtUp(Duration.ofSeconds(30));
        String sourceUuid = ServerChecks.scalar(pair.source(), "SELECT @@server_uuid");
        long before = Gtids.count(ServerChecks.scalar(pair.source(), "SELECT @@GLOBAL.gtid_executed"), sourceUuid);

        ReplicaBackup.Result r;
        long sourceCommitsWhileHeld;
        try (Writers writers = Writers.running(pair.source(), "shop", "orders")) {
            long start = writers.committed();
            r = ReplicaBackup.backup(pair.replica().dataSource(), "shop", dir);
            sourceCommitsWhileHeld = writers.committed() - start;
            assertThat(writers.errors()).isEmpty();
        }

        assertThat(sourceCommitsWhileHeld)
                .as("the source took writes during the backup")
                .isPositive();
        assertThat(r.rowsPerTable().get("orders"))
                .as("rows copied = the source's transactions in the replica's GTID set")
                .isEqualTo(Gtids.count(r.source().gtidSet(), sourceUuid) - before);
        assertThat(r.source().port()).isEqualTo(pair.source().port());
        assertThat(ServerChecks.eventAt(
                        pair.source(), r.source().logFile(), r.source().logPosition()))
                .hasValueSatisfying(e -> assertThat(e.type())
                        .as("the source position is a transaction boundary")
                        .startsWith("Gtid"));
        assertThat(Files.readString(dir.resolve("xtrabackup_slave_info")))
                .contains("gtid_purged", "MASTER_AUTO_POSITION=1");
        assertThat(Files.readAllLines(dir.resolve("orders.csv")))
                .hasSize((int) (r.rowsPerTable().get("orders") + 1));

        assertThat(ServerChecks.scalar(pair.replica(), "SELECT @@GLOBAL.read_only"))
                .as("read_only restored")
                .isEqualTo("0");
        assertThat(pair.sqlThreadRunning()).as("SQL thread restarted").isTrue();
        pair.awaitCaughtUp(Duration.ofSeconds(30));
        assertThat(ServerChecks.count(pair.replica(), "SELECT COUNT(*) FROM shop.orders"))
                .isEqualTo(ServerChecks.count(pair.source(), "SELECT COUNT(*) FROM shop.orders"));
    }
}
