package io.github.quiesce.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.github.quiesce.BackupSession;
import io.github.quiesce.testkit.CloudAccounts;
import io.github.quiesce.testkit.EmbeddedServer;
import io.github.quiesce.testkit.EmbeddedServers;
import io.github.quiesce.testkit.ServerDistribution;
import org.junit.jupiter.api.Test;

/** What {@code auto} picks on the real servers, with every strategy module on the classpath. */
class AutoChoiceIT {

    @Test
    void mysql8015TakesTheInstanceLock() {
        EmbeddedServer mysql = EmbeddedServers.shared(ServerDistribution.MYSQL_8_0_15);
        try (BackupSession s = BackupSession.open(mysql.dataSource())) {
            assertThat(s.strategy()).isEqualTo("mysql-instance-lock");
        }
    }

    @Test
    void mariadb1145TakesBackupStage() {
        EmbeddedServer mariadb = EmbeddedServers.shared(ServerDistribution.MARIADB_11_4_5);
        try (BackupSession s = BackupSession.open(mariadb.dataSource())) {
            assertThat(s.strategy()).isEqualTo("mariadb-backup-stage");
        }
    }

    @Test
    void anAccountWithoutBackupAdminGetsFtwrlOnMysql8() {
        EmbeddedServer mysql = EmbeddedServers.shared(ServerDistribution.MYSQL_8_0_15);
        mysql.createUser("no_backup_admin", "Pw_no_backup_admin1", "RELOAD", "REPLICATION CLIENT");
        try (HikariDataSource pool = mysql.pooledDataSource("no_backup_admin", "Pw_no_backup_admin1", 2);
                BackupSession s = BackupSession.open(pool)) {
            assertThat(s.strategy()).isEqualTo("ftwrl");
        } finally {
            mysql.execute("DROP USER IF EXISTS 'no_backup_admin'@'%'");
        }
    }

    /** Issue 17: a managed cloud's master user (no RELOAD, BACKUP_ADMIN or SUPER) gets table-locks on both flavours. */
    @Test
    void theCloudMasterUserGetsTableLocksOnMysql8AndMariadb() {
        for (ServerDistribution d :
                new ServerDistribution[] {ServerDistribution.MYSQL_8_0_15, ServerDistribution.MARIADB_11_4_5}) {
            EmbeddedServer server = EmbeddedServers.shared(d);
            server.createUser("cloud_master", "Pw_cloud_master1", CloudAccounts.masterUserGrants());
            try (HikariDataSource pool = server.pooledDataSource("cloud_master", "Pw_cloud_master1", 4);
                    BackupSession s = BackupSession.open(pool)) {
                assertThat(s.strategy()).as(d.displayName()).isEqualTo("table-locks");
                s.snapshotConnections(1).forEach(c -> {
                    try {
                        c.close();
                    } catch (java.sql.SQLException e) {
                        throw new IllegalStateException(e);
                    }
                });
            } finally {
                server.execute("DROP USER IF EXISTS 'cloud_master'@'%'");
            }
        }
    }
}
