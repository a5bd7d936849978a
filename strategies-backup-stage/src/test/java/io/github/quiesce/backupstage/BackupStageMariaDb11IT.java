package io.github.quiesce.backupstage;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.quiesce.BackupSession;
import io.github.quiesce.testkit.ServerChecks;
import io.github.quiesce.testkit.ServerDistribution;
import io.github.quiesce.testkit.contract.BlocksDdlOnlyContract;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BackupStageMariaDb11IT extends BlocksDdlOnlyContract {

    @Override
    protected ServerDistribution distribution() {
        return ServerDistribution.MARIADB_11_4_5;
    }

    @Override
    protected String strategyName() {
        return BackupStageStrategy.NAME;
    }

    @Test
    void autoPrefersBackupStage() {
        try (BackupSession s = BackupSession.open(server.dataSource())) {
            assertThat(s.strategy()).isEqualTo(BackupStageStrategy.NAME);
        }
    }

    @Test
    void aMyisamWriteWaitsFromOpenAndEveryCommitWaitsFromCoordinatesUntilClose() throws Exception {
        String isam = uniqueTable("isam");
        String inno = uniqueTable("inno");
        server.execute(
                "CREATE TABLE " + SCHEMA + "." + isam + " (id INT) ENGINE=MyISAM",
                "CREATE TABLE " + SCHEMA + "." + inno + " (id INT) ENGINE=InnoDB");
        try {
            CompletableFuture<Long> myisam;
            CompletableFuture<Long> innodb;
            try (BackupSession s =
                    BackupSession.open(server.dataSource(), options().build())) {
                myisam = ServerChecks.runAsync(server, "INSERT INTO " + SCHEMA + "." + isam + " VALUES (1)");
                assertThat(ServerChecks.completesWithin(
                                server, "INSERT INTO " + SCHEMA + "." + inno + " VALUES (1)", 2_000))
                        .as("InnoDB commits flow at BLOCK_DDL")
                        .isTrue();
                Thread.sleep(500);
                assertThat(myisam)
                        .as("non-transactional writes wait from BACKUP STAGE FLUSH on")
                        .isNotDone();
                s.coordinates();
                innodb = ServerChecks.runAsync(server, "INSERT INTO " + SCHEMA + "." + inno + " VALUES (2)");
                Thread.sleep(500);
                assertThat(innodb).as("commits wait at BLOCK_COMMIT").isNotDone();
            }
            myisam.get(10, TimeUnit.SECONDS);
            innodb.get(10, TimeUnit.SECONDS);
        } finally {
            server.execute("DROP TABLE " + SCHEMA + "." + isam, "DROP TABLE " + SCHEMA + "." + inno);
        }
    }
}
