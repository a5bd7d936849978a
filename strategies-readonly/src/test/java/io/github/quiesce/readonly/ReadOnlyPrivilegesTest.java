package io.github.quiesce.readonly;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.quiesce.Flavor;
import io.github.quiesce.Privilege;
import io.github.quiesce.Privileges;
import io.github.quiesce.ServerInfo;
import io.github.quiesce.ServerVersion;
import io.github.quiesce.spi.PrivilegeRequirement;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The up-front check must refuse exactly what the server would refuse. Before, on MariaDB 10.11.5 and
 * 11.4.5 a replica account with RELOAD, BINLOG MONITOR and READ_ONLY ADMIN passed it; its probe was
 * then denied SHOW REPLICA STATUS and took the replica for a source ("is not a replica").
 */
class ReadOnlyPrivilegesTest {

    private static List<String> missing(String version, Privilege... granted) {
        ServerInfo server = new ServerInfo(
                Flavor.MARIADB,
                ServerVersion.parse(version),
                version + "-MariaDB-log",
                "",
                "db:3306",
                true,
                "ON",
                false,
                false,
                true,
                new Privileges("'b'@'%'", EnumSet.copyOf(List.of(granted)), false, true),
                Map.of());
        return new ReadOnlyStrategy()
                .requiredPrivileges(server).stream()
                        .filter(r -> !r.isMetBy(server))
                        .map(PrivilegeRequirement::describe)
                        .toList();
    }

    @Test
    void mariaDb11NeedsSlaveMonitorForTheReplicaStatusAndSuperNoLongerDoes() {
        assertThat(missing("11.4.5", Privilege.RELOAD, Privilege.REPLICATION_CLIENT, Privilege.READ_ONLY_ADMIN))
                .singleElement()
                .asString()
                .contains("REPLICA MONITOR")
                .contains("SHOW ALL REPLICAS STATUS");
        assertThat(missing("11.4.5", Privilege.RELOAD, Privilege.SUPER)).hasSize(3);
        assertThat(missing(
                        "11.4.5",
                        Privilege.RELOAD,
                        Privilege.REPLICATION_CLIENT,
                        Privilege.READ_ONLY_ADMIN,
                        Privilege.REPLICA_MONITOR))
                .isEmpty();
    }

    @Test
    void mariaDb1011NeedsReadOnlyAdminEvenWithSuper() {
        assertThat(missing("10.11.5", Privilege.RELOAD, Privilege.SUPER))
                .singleElement()
                .asString()
                .contains("READ_ONLY ADMIN");
    }

    @Test
    void mariaDb102TakesSuperAndReplicationClient() {
        assertThat(missing("10.2.11", Privilege.RELOAD, Privilege.REPLICATION_CLIENT, Privilege.SUPER))
                .isEmpty();
    }
}
