package io.github.quiesce.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.quiesce.BackupSession;
import io.github.quiesce.testkit.scripted.ScriptedServer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Which strategy {@code auto} picks, with every strategy module on the classpath, on servers answering
 * exactly as each flavour does. Ranked by what the lock blocks, least first.
 */
class AutoChoiceTest {

    private static String chosenOn(ScriptedServer server) {
        try (BackupSession s = BackupSession.open(server.dataSource())) {
            return s.strategy();
        } finally {
            assertThat(server.openConnections()).isZero();
        }
    }

    @Test
    void mysql8015TakesTheInstanceLock() {
        assertThat(chosenOn(ScriptedServer.mysql8())).isEqualTo("mysql-instance-lock");
    }

    @Test
    void mariadb1145TakesBackupStage() {
        assertThat(chosenOn(ScriptedServer.mariadb11())).isEqualTo("mariadb-backup-stage");
    }

    @Test
    void percona57TakesBackupLocks() {
        assertThat(chosenOn(ScriptedServer.percona57())).isEqualTo("percona-backup-locks");
    }

    @Test
    void percona80TakesTheInstanceLockWhichBlocksLessThanBackupLocks() {
        assertThat(chosenOn(ScriptedServer.percona80())).isEqualTo("mysql-instance-lock");
    }

    @Test
    void percona80WithMyisamTablesTakesBackupLocksWhichStopTheirWrites() {
        assertThat(chosenOn(ScriptedServer.percona80().nonTransactionalTables("shop.audit (MyISAM)")))
                .isEqualTo("percona-backup-locks");
    }

    /** LOCK TABLES ... READ stops MyISAM writers as FTWRL does, without flushing or waiting for SELECTs (issue 17). */
    @Test
    void mysql8WithMyisamTablesTakesTableLocksWhichStopTheirWrites() {
        ScriptedServer server = ScriptedServer.mysql8()
                .nonTransactionalTables("shop.audit (MyISAM)")
                .answer(
                        "SELECT TABLE_SCHEMA AS table_schema",
                        ScriptedServer.Result.of(
                                List.of("table_schema", "table_name", "engine"),
                                List.of(List.of("shop", "audit", "MyISAM"))));
        assertThat(chosenOn(server)).isEqualTo("table-locks");
        assertThat(server.statementsAfterProbe())
                .contains("LOCK TABLES `shop`.`audit` READ")
                .doesNotContain("FLUSH TABLES WITH READ LOCK");
    }

    /** Without LOCK TABLES (and RELOAD listed), FTWRL stays the choice. */
    @Test
    void mysql8WithMyisamTablesAndNoLockTablesPrivilegeFallsToFtwrl() {
        ScriptedServer server = ScriptedServer.mysql8()
                .nonTransactionalTables("shop.audit (MyISAM)")
                .grants(
                        "GRANT SELECT, RELOAD, REPLICATION CLIENT, BACKUP_ADMIN, REPLICATION SLAVE ON *.* TO `backup`@`%`");
        assertThat(chosenOn(server)).isEqualTo("ftwrl");
    }

    @Test
    void anAccountWithoutBackupAdminGetsFtwrl() {
        ScriptedServer server = ScriptedServer.mysql8()
                .grants("GRANT RELOAD, REPLICATION CLIENT, REPLICATION SLAVE ON *.* TO `backup`@`%`");
        assertThat(chosenOn(server)).isEqualTo("ftwrl");
    }
}
