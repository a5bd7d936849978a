package io.github.quiesce.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.quiesce.BackupOptions;
import io.github.quiesce.BackupSession;
import io.github.quiesce.testkit.EmbeddedServer;
import io.github.quiesce.testkit.EmbeddedServers;
import io.github.quiesce.testkit.ServerChecks;
import io.github.quiesce.testkit.ServerDistribution;
import org.junit.jupiter.api.Test;

/** The SPI walkthrough's strategy, found by ServiceLoader with core unchanged, on a real MySQL 8.0.15. */
class MysqldumpStyleStrategyIT {

    private final EmbeddedServer server = EmbeddedServers.shared(ServerDistribution.MYSQL_8_0_15);

    @Test
    void aStrategyFromAnotherModuleHoldsThePointWhenNamedAndAutoNeverPicksIt() {
        server.execute(
                "CREATE DATABASE IF NOT EXISTS spi_example",
                "CREATE TABLE IF NOT EXISTS spi_example.t (id INT AUTO_INCREMENT PRIMARY KEY)");
        try (BackupSession s = BackupSession.open(
                server.dataSource(),
                BackupOptions.builder().strategy("mysqldump-style").build())) {
            assertThat(s.strategy()).isEqualTo("mysqldump-style");
            assertThat(s.coordinates().file()).startsWith("binlog.");
            assertThat(ServerChecks.completesWithin(server, "INSERT INTO spi_example.t VALUES ()", 300))
                    .as("writes wait")
                    .isFalse();
        }
        assertThat(ServerChecks.completesWithin(server, "INSERT INTO spi_example.t VALUES ()", 3_000))
                .as("released")
                .isTrue();
        try (BackupSession s = BackupSession.open(server.dataSource())) {
            assertThat(s.strategy()).isNotEqualTo("mysqldump-style");
        }
    }
}
