package io.github.quiesce.percona;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.quiesce.BackupSession;
import io.github.quiesce.testkit.EmbeddedServers;
import io.github.quiesce.testkit.ServerDistribution;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** On real MySQL and MariaDB servers (no backup locks), auto must never pick this strategy. */
class AutoSkipsBackupLocksIT {

    @ParameterizedTest
    @EnumSource(
            value = ServerDistribution.class,
            names = {"MYSQL_8_0_15", "MARIADB_11_4_5"})
    void autoDoesNotPickBackupLocksOnServersWithoutThem(ServerDistribution distribution) {
        try (BackupSession s =
                BackupSession.open(EmbeddedServers.shared(distribution).dataSource())) {
            assertThat(PerconaBackupLocksStrategy.hasBackupLocks(s.server())).isFalse();
            assertThat(s.strategy()).isNotEqualTo(PerconaBackupLocksStrategy.NAME);
        }
    }
}
