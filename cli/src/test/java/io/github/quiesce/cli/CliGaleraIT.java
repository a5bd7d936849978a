package io.github.quiesce.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.quiesce.testkit.GaleraCluster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The CLI jar against a real Galera node (Debian's mariadb-server 10.11 + galera-4): it writes xtrabackup_galera_info. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CliGaleraIT {

    private static final Path JAR = Path.of("target", "quiesce-cli.jar");

    private GaleraCluster cluster;

    @BeforeAll
    void start() {
        GaleraCluster.assumeAvailable();
        cluster = GaleraCluster.start(1);
        cluster.node(1)
                .execute(
                        "CREATE DATABASE cli_galera",
                        "CREATE TABLE cli_galera.t (id INT PRIMARY KEY AUTO_INCREMENT)",
                        "INSERT INTO cli_galera.t VALUES (), (), ()");
    }

    @AfterAll
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @ParameterizedTest(name = "--galera-desync {0}")
    @ValueSource(strings = {"auto", "always"})
    void writesTheClusterPositionBesideTheBinlogCoordinates(String desync, @TempDir Path io) throws Exception {
        GaleraCluster.Node node = cluster.node(1);
        Path meta = io.resolve("meta");
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                JAR.toString(),
                "--url",
                node.jdbcUrl(),
                "--user",
                "root",
                "--meta-dir",
                meta.toString(),
                "--json",
                "--galera-desync",
                desync,
                "--exec",
                "echo copying"));
        Process p = new ProcessBuilder(cmd)
                .redirectOutput(io.resolve("out").toFile())
                .redirectError(io.resolve("err").toFile())
                .start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String out = Files.readString(io.resolve("out"), StandardCharsets.UTF_8);
        String err = Files.readString(io.resolve("err"), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(err).isZero();

        String uuid = node.status("wsrep_local_state_uuid");
        String seqno = node.status("wsrep_last_committed");
        String info = Files.readString(meta.resolve("xtrabackup_galera_info"), StandardCharsets.UTF_8);
        assertThat(info).isEqualTo(uuid + ":" + seqno + "\n");
        assertThat(out.strip())
                .startsWith("{\"strategy\":\"mariadb-backup-stage\"")
                .endsWith("\"galeraPosition\":\"" + uuid + ":" + seqno + "\"}");
        assertThat(Files.readString(meta.resolve("xtrabackup_binlog_info"))).startsWith("binlog.");
        assertThat(node.scalar("SELECT @@GLOBAL.wsrep_desync")).isEqualTo("0");
        assertThat(node.status("wsrep_local_state_comment")).isEqualTo("Synced");
    }
}
