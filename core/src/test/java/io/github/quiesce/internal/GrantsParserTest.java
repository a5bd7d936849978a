package io.github.quiesce.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.quiesce.Privilege;
import io.github.quiesce.Privileges;
import java.util.List;
import org.junit.jupiter.api.Test;

class GrantsParserTest {

    @Test
    void readsStaticAndDynamicGlobalPrivilegesOfMysql8() {
        Privileges p = GrantsParser.parse(
                "'backup'@'%'",
                List.of(
                        "GRANT SELECT, RELOAD, PROCESS, REPLICATION CLIENT ON *.* TO `backup`@`%`",
                        "GRANT BACKUP_ADMIN,SYSTEM_VARIABLES_ADMIN ON *.* TO `backup`@`%`",
                        "GRANT ALL PRIVILEGES ON `app`.* TO `backup`@`%`"));
        assertThat(p.known()).isTrue();
        assertThat(p.allPrivileges()).isFalse();
        assertThat(p.granted())
                .containsExactlyInAnyOrder(
                        Privilege.SELECT,
                        Privilege.RELOAD,
                        Privilege.PROCESS,
                        Privilege.REPLICATION_CLIENT,
                        Privilege.BACKUP_ADMIN,
                        Privilege.SYSTEM_VARIABLES_ADMIN);
        assertThat(p.has(Privilege.SUPER)).isFalse();
    }

    @Test
    void mariadbBinlogMonitorCountsAsReplicationClient() {
        Privileges p = GrantsParser.parse(
                "'b'@'%'", List.of("GRANT RELOAD, BINLOG MONITOR ON *.* TO `b`@`%` IDENTIFIED BY PASSWORD '*ABCDEF'"));
        assertThat(p.has(Privilege.REPLICATION_CLIENT)).isTrue();
        assertThat(p.has(Privilege.RELOAD)).isTrue();
    }

    /** MariaDB 10.11.5 and 11.4.5 print a granted REPLICA MONITOR back as SLAVE MONITOR, and READ ONLY ADMIN as READ_ONLY ADMIN. */
    @Test
    void mariadbPrintsReplicaMonitorAsSlaveMonitor() {
        Privileges p = GrantsParser.parse(
                "'b'@'%'",
                List.of(
                        "GRANT RELOAD, BINLOG MONITOR, READ_ONLY ADMIN, SLAVE MONITOR ON *.* TO `b`@`%` IDENTIFIED BY PASSWORD '*ABCDEF'"));
        assertThat(p.granted())
                .containsExactlyInAnyOrder(
                        Privilege.RELOAD,
                        Privilege.REPLICATION_CLIENT,
                        Privilege.READ_ONLY_ADMIN,
                        Privilege.REPLICA_MONITOR);
    }

    @Test
    void allPrivilegesOnStarStarGrantsEverything() {
        Privileges p = GrantsParser.parse(
                "'root'@'localhost'",
                List.of(
                        "GRANT ALL PRIVILEGES ON *.* TO `root`@`localhost` WITH GRANT OPTION",
                        "GRANT PROXY ON ''@'%' TO 'root'@'localhost' WITH GRANT OPTION"));
        assertThat(p.has(Privilege.BACKUP_ADMIN)).isTrue();
    }

    @Test
    void schemaLevelGrantsDoNotCount() {
        Privileges p = GrantsParser.parse(
                "'u'@'%'", List.of("GRANT USAGE ON *.* TO `u`@`%`", "GRANT RELOAD ON `db`.* TO `u`@`%`"));
        assertThat(p.has(Privilege.RELOAD)).isFalse();
    }

    @Test
    void rolesMakeThePrivilegesUnknownRatherThanWronglyMissing() {
        Privileges p = GrantsParser.parse(
                "'u'@'%'", List.of("GRANT USAGE ON *.* TO `u`@`%`", "GRANT `backup_role`@`%` TO `u`@`%`"));
        assertThat(p.known()).isFalse();
        assertThat(p.has(Privilege.RELOAD)).isTrue();
    }
}
