package io.github.quiesce.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.quiesce.BackupSession;
import io.github.quiesce.BinlogCoordinates;
import io.github.quiesce.testkit.ServerDistribution;
import io.github.quiesce.testkit.junit.QuiesceServer;
import io.github.quiesce.testkit.junit.ServerHandle;
import java.sql.Connection;
import java.sql.Statement;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * What a host project's integration test looks like with the testkit's JUnit extension: one annotation,
 * the server's DataSource injected, a real backup session against it.
 */
@QuiesceServer(flavor = ServerDistribution.MARIADB_11_4_5)
class HostProjectStyleIT {

    @Test
    void myBackupJobGetsCoordinatesThatCoverWhatWasWritten(DataSource dataSource, ServerHandle server)
            throws Exception {
        try (Connection c = dataSource.getConnection();
                Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE IF NOT EXISTS host_app");
            st.execute("CREATE TABLE IF NOT EXISTS host_app.orders (id INT AUTO_INCREMENT PRIMARY KEY) ENGINE=InnoDB");
            st.execute("INSERT INTO host_app.orders VALUES ()");
        }
        try (BackupSession s = BackupSession.open(dataSource)) {
            BinlogCoordinates c = s.coordinates();
            assertThat(s.strategy()).isEqualTo("mariadb-backup-stage");
            assertThat(c.gtidSet())
                    .as("coordinates on %s", server.description())
                    .matches("\\d+-\\d+-\\d+.*");
        }
    }
}
