package io.github.quiesce;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Version facts that decide which strategy runs and which grants suffice. Each was answered by a real
 * server of VersionMatrixIT (MySQL 5.7.22, 8.0.12, 8.0.15; MariaDB 10.2.11, 10.11.5, 11.4.5); the
 * boundaries between them come from the vendors' release notes.
 */
class ServerInfoTest {

    static ServerInfo server(Flavor flavor, String version) {
        return new ServerInfo(
                flavor,
                ServerVersion.parse(version),
                version,
                "",
                "db:3306",
                true,
                "ON",
                false,
                false,
                false,
                new Privileges("'b'@'%'", EnumSet.noneOf(Privilege.class), false, true),
                Map.of());
    }

    @Test
    void logStatusExistsFromTheFirstMysql8Ga() {
        assertThat(server(Flavor.MYSQL, "5.7.22").hasLogStatus()).isFalse();
        assertThat(server(Flavor.MYSQL, "8.0.11").hasLogStatus()).isTrue();
        assertThat(server(Flavor.MYSQL, "8.0.12").hasLogStatus())
                .as("answered by a real 8.0.12")
                .isTrue();
        assertThat(server(Flavor.PERCONA, "8.0.13-3").hasLogStatus()).isTrue();
        assertThat(server(Flavor.MARIADB, "11.4.5").hasLogStatus()).isFalse();
    }

    @Test
    void superShowsTheBinaryLogStatusExceptOnMariaDb11() {
        assertThat(server(Flavor.MYSQL, "5.7.22").binaryLogStatusPrivileges())
                .containsExactlyInAnyOrder(Privilege.REPLICATION_CLIENT, Privilege.SUPER);
        assertThat(server(Flavor.MARIADB, "10.11.5").binaryLogStatusPrivileges())
                .containsExactlyInAnyOrder(Privilege.REPLICATION_CLIENT, Privilege.SUPER);
        assertThat(server(Flavor.MARIADB, "11.4.5").binaryLogStatusPrivileges())
                .containsExactly(Privilege.REPLICATION_CLIENT);
    }

    @Test
    void mariaDbMovedReplicaStatusAwayFromReplicationClient() {
        assertThat(server(Flavor.MYSQL, "8.0.15").replicaStatusPrivileges())
                .containsExactlyInAnyOrder(Privilege.REPLICATION_CLIENT, Privilege.SUPER);
        assertThat(server(Flavor.MARIADB, "10.2.11").replicaStatusPrivileges())
                .containsExactlyInAnyOrder(Privilege.REPLICATION_CLIENT, Privilege.SUPER);
        assertThat(server(Flavor.MARIADB, "10.5.4").replicaStatusPrivileges())
                .containsExactlyInAnyOrder(Privilege.REPLICATION_SLAVE_ADMIN, Privilege.SUPER);
        assertThat(server(Flavor.MARIADB, "10.11.5").replicaStatusPrivileges())
                .containsExactlyInAnyOrder(Privilege.REPLICA_MONITOR, Privilege.SUPER);
        assertThat(server(Flavor.MARIADB, "11.4.5").replicaStatusPrivileges())
                .containsExactly(Privilege.REPLICA_MONITOR);
    }

    @Test
    void superSetsReadOnlyUntilMariaDb1011() {
        assertThat(server(Flavor.MYSQL, "5.7.22").readOnlyPrivileges()).contains(Privilege.SUPER);
        assertThat(server(Flavor.MYSQL, "8.0.15").readOnlyPrivileges())
                .containsExactlyInAnyOrder(Privilege.SUPER, Privilege.SYSTEM_VARIABLES_ADMIN);
        assertThat(server(Flavor.MARIADB, "10.2.11").readOnlyPrivileges()).contains(Privilege.SUPER);
        assertThat(server(Flavor.MARIADB, "10.6.12").readOnlyPrivileges())
                .containsExactlyInAnyOrder(Privilege.SUPER, Privilege.READ_ONLY_ADMIN);
        assertThat(server(Flavor.MARIADB, "10.11.5").readOnlyPrivileges()).containsExactly(Privilege.READ_ONLY_ADMIN);
    }
}
