package io.github.quiesce.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.quiesce.testkit.EmbeddedServer;
import io.github.quiesce.testkit.EmbeddedServers;
import io.github.quiesce.testkit.Gtids;
import io.github.quiesce.testkit.ServerChecks;
import io.github.quiesce.testkit.ServerDistribution;
import io.github.quiesce.testkit.Writers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Example 2 on a real MySQL 8.0.15 with writers on two tables while three workers export them. */
class ParallelExportIT {

    private final EmbeddedServer server = EmbeddedServers.shared(ServerDistribution.MYSQL_8_0_15);

    @Test
    void everyWorkerExportsExactlyTheDataAtTheCoordinates(@TempDir Path dir) throws Exception {
        String schema = "quiesce_export";
        server.execute("DROP DATABASE IF EXISTS " + schema);
        Writers.createTable(server, schema, "orders");
        Writers.createTable(server, schema, "payments");
        server.execute(
                "CREATE TABLE " + schema + ".notes (id INT PRIMARY KEY, note VARCHAR(40) NULL)",
                "INSERT INTO " + schema
                        + ".notes VALUES (1, 'plain'), (2, 'a, comma'), (3, 'a \"quote\"'), (4, ''), (5, NULL)");
        String uuid = ServerChecks.scalar(server, "SELECT @@server_uuid");
        long before = Gtids.count(ServerChecks.scalar(server, "SELECT @@GLOBAL.gtid_executed"), uuid);

        ParallelExport.Result r;
        try (Writers orders = Writers.start(server, schema, "orders", 2, Long.MAX_VALUE);
                Writers payments = Writers.start(server, schema, "payments", 2, Long.MAX_VALUE)) {
            orders.awaitCommitted(50, 10_000);
            payments.awaitCommitted(50, 10_000);
            r = ParallelExport.export(server.dataSource(), schema, dir, 3);
            long committedAtEnd = orders.committed() + payments.committed();
            assertThat(orders.errors()).isEmpty();
            assertThat(payments.errors()).isEmpty();
            assertThat(committedAtEnd)
                    .as("the writers went on during the export")
                    .isGreaterThan(
                            r.rowsPerTable().get("orders") + r.rowsPerTable().get("payments"));
        }

        assertThat(r.rowsPerTable())
                .containsOnlyKeys("notes", "orders", "payments")
                .containsEntry("notes", 5L);
        long written = r.rowsPerTable().get("orders") + r.rowsPerTable().get("payments");
        assertThat(written)
                .as("rows in the two CSVs, exported by different connections, = the transactions in the GTID set")
                .isEqualTo(Gtids.count(r.coordinates().gtidSet(), uuid) - before);
        assertThat(r.lockHeldMillis())
                .as("writers could wait only while the snapshots were opened")
                .isLessThan(1_000);
        for (String table : List.of("orders", "payments")) {
            List<String> lines = Files.readAllLines(dir.resolve(table + ".csv"));
            assertThat(lines.get(0)).isEqualTo("id,writer,seq");
            assertThat(lines).hasSize((int) (r.rowsPerTable().get(table) + 1));
        }
        assertThat(Files.readAllLines(dir.resolve("notes.csv")))
                .containsExactly("id,note", "1,plain", "2,\"a, comma\"", "3,\"a \"\"quote\"\"\"", "4,\"\"", "5,");
        assertThat(Files.readString(dir.resolve("coordinates.json")))
                .contains(
                        "\"file\":\"" + r.coordinates().file() + "\"",
                        "\"position\":" + r.coordinates().position(),
                        "\"rows\":" + r.totalRows());
        assertThat(ServerChecks.globalMetadataLocks(server)).isZero();
    }
}
