package io.github.quiesce.testkit.junit;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.quiesce.testkit.EmbeddedServer;
import io.github.quiesce.testkit.EmbeddedServers;
import io.github.quiesce.testkit.ReplicaPair;
import io.github.quiesce.testkit.ServerChecks;
import io.github.quiesce.testkit.ServerDistribution;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The extension as host projects use it: what gets injected, what is shared, and the visible skip without Docker. */
class QuiesceServerExtensionIT {

    static String version(DataSource ds) throws SQLException {
        try (Connection c = ds.getConnection();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT VERSION()")) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Nested
    @QuiesceServer(flavor = ServerDistribution.MARIADB_11_4_5)
    class AnEmbeddedServerSharedWithTheSuite {

        @Test
        void theHandleAndTheDataSourceReachTheAskedForServer(ServerHandle handle, DataSource dataSource)
                throws SQLException {
            assertThat(version(dataSource)).startsWith("11.4.5");
            assertThat(handle.jdbcUrl()).startsWith("jdbc:mysql://127.0.0.1:");
            assertThat(handle.user()).isEqualTo("root");
            assertThat(handle.description()).contains("MariaDB 11.4.5");
            assertThat(handle.replica()).isEmpty();
        }

        @Test
        void itIsTheSuiteWideServer(EmbeddedServer server) {
            assertThat(server).isSameAs(EmbeddedServers.shared(ServerDistribution.MARIADB_11_4_5));
        }
    }

    @Nested
    @QuiesceServer(flavor = ServerDistribution.MYSQL_8_0_15, replica = true, scope = QuiesceServer.Scope.CLASS)
    class AReplicaPairOwnedByTheClass {

        @Test
        void aWriteOnTheSourceReachesTheReplica(ServerHandle source, ReplicaPair pair) throws SQLException {
            pair.source()
                    .execute(
                            "CREATE DATABASE IF NOT EXISTS ext_it",
                            "CREATE TABLE IF NOT EXISTS ext_it.t (id INT PRIMARY KEY)",
                            "INSERT INTO ext_it.t VALUES (1)");
            pair.awaitCaughtUp(Duration.ofSeconds(30));
            ServerHandle replica = source.replica().orElseThrow();
            assertThat(version(replica.dataSource())).startsWith("8.0.15");
            assertThat(ServerChecks.count(pair.replica(), "SELECT COUNT(*) FROM ext_it.t"))
                    .isEqualTo(1);
            assertThat(replica.jdbcUrl()).isNotEqualTo(source.jdbcUrl());
        }
    }

    @Nested
    @QuiesceServer(image = "percona/percona-server:8.0")
    class AContainerImage {

        /** Where no Docker engine runs, reported as skipped with "no Docker engine on this machine ...". */
        @Test
        void runsWhereDockerRuns(ServerHandle handle) throws SQLException {
            assertThat(version(handle.dataSource())).startsWith("8.0");
        }
    }
}
