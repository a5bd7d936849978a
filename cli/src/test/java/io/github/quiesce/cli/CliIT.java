package io.github.quiesce.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.quiesce.testkit.EmbeddedServer;
import io.github.quiesce.testkit.EmbeddedServers;
import io.github.quiesce.testkit.ServerChecks;
import io.github.quiesce.testkit.ServerDistribution;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI jar driven as a process, as a backup script would, against a real MySQL 8.0.15. */
class CliIT {

    private static final Path JAR = Path.of("target", "quiesce-cli.jar");

    private final EmbeddedServer server = EmbeddedServers.shared(ServerDistribution.MYSQL_8_0_15);

    @TempDir
    Path io;

    record Result(int exit, String out, String err) {}

    private Process start(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(
                List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString()));
        if (!List.of(args).contains("--help")) {
            cmd.addAll(List.of("--url", server.jdbcUrl(), "--user", "root"));
        }
        cmd.addAll(List.of(args));
        // Files, not pipes: destroy() closes a child's pipes, and its last words are the point of the SIGTERM test.
        return new ProcessBuilder(cmd)
                .redirectOutput(io.resolve("out").toFile())
                .redirectError(io.resolve("err").toFile())
                .start();
    }

    private Result finish(Process p) throws Exception {
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("the CLI ended").isTrue();
        return new Result(
                p.exitValue(),
                Files.readString(io.resolve("out"), StandardCharsets.UTF_8),
                Files.readString(io.resolve("err"), StandardCharsets.UTF_8));
    }

    private void assertNothingHeld() {
        server.execute(
                "CREATE DATABASE IF NOT EXISTS quiesce_cli",
                "CREATE TABLE IF NOT EXISTS quiesce_cli.t (id INT PRIMARY KEY AUTO_INCREMENT)");
        assertThat(ServerChecks.completesWithin(server, "INSERT INTO quiesce_cli.t VALUES ()", 2_000))
                .as("a write commits at once")
                .isTrue();
        assertThat(ServerChecks.globalMetadataLocks(server)).isZero();
    }

    @Test
    void runsTheCommandWhileHeldThenWritesTheCoordinates(@TempDir Path meta) throws Exception {
        assertNothingHeld();
        Result r = finish(
                start("--strategy", "ftwrl", "--exec", "echo snapshot-taken", "--meta-dir", meta.toString(), "--json"));
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out().strip()).startsWith("{\"strategy\":\"ftwrl\"").contains("\"file\":\"binlog.");
        assertThat(r.err()).contains("snapshot-taken");
        String info = Files.readString(meta.resolve("xtrabackup_binlog_info")).strip();
        assertThat(info).matches("binlog\\.\\d{6}\\t\\d+\\t[0-9a-f-]{36}:[0-9:,-]+");
        assertThat(Files.readString(meta.resolve("quiesce_coordinates.json"))).isEqualTo(r.out());
        assertNothingHeld();
    }

    @Test
    void aFailingCommandExitsWithItsCodeAndLeavesNothingLocked(@TempDir Path meta) throws Exception {
        Result r = finish(start("--exec", "exit 7", "--meta-dir", meta.toString()));
        assertThat(r.exit()).isEqualTo(7);
        assertThat(r.err()).contains("exited with 7", "released");
        assertThat(Files.exists(meta.resolve("xtrabackup_binlog_info"))).isFalse();
        assertNothingHeld();
    }

    @Test
    void sigtermWhileHeldReleasesTheLockBeforeExiting() throws Exception {
        Process p = start("--strategy", "ftwrl", "--exec", "sleep 60");
        server.execute(
                "CREATE DATABASE IF NOT EXISTS quiesce_cli",
                "CREATE TABLE IF NOT EXISTS quiesce_cli.t (id INT PRIMARY KEY AUTO_INCREMENT)");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (ServerChecks.globalMetadataLocks(server) == 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(ServerChecks.completesWithin(server, "INSERT INTO quiesce_cli.t VALUES ()", 300))
                .as("held: writes wait")
                .isFalse();
        p.destroy();
        Result r = finish(p);
        assertThat(r.exit()).isNotZero();
        assertThat(r.err()).contains("interrupted; the lock was released");
        assertNothingHeld();
    }

    @Test
    void helpListsEveryOptionWithItsDefaultAndBadUsageExitsTwo() throws Exception {
        Result help = finish(start("--help"));
        assertThat(help.exit()).isZero();
        for (CliOptions.Option o : CliOptions.Option.values()) {
            assertThat(help.out()).contains(o.flag);
        }
        assertThat(help.out()).contains("(default: auto)", "(default: 60)", "(default: 3600)");
        Result bad = finish(start("--no-such-option"));
        assertThat(bad.exit()).isEqualTo(QuiesceCli.USAGE);
        assertThat(bad.err()).contains("unknown option --no-such-option");
    }

    @Test
    void stderrThatIsNotATerminalGetsOneStatusLinePerChangeNamingTheLongQueryWaitedFor() throws Exception {
        CompletableFuture<Long> report = ServerChecks.runAsync(server, "SELECT SLEEP(2) AS quiesce_cli_report");
        Thread.sleep(200);
        Result r = finish(start("--strategy", "ftwrl", "--exec", "true"));
        report.get(30, TimeUnit.SECONDS);
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err())
                .doesNotContain("\r")
                .containsPattern(
                        "quiesce: waiting \\d+\\.\\d s for the lock 'ftwrl' \\(long query id \\d+ by root for \\d+ ms: SELECT SLEEP\\(2\\) AS quiesce_cli_report\\)\n")
                .containsPattern("quiesce: lock 'ftwrl' held \\d+\\.\\d s, running --exec\n")
                .containsPattern("quiesce: lock 'ftwrl' released after \\d+\\.\\d s held\n");
        assertThat(r.err()
                        .lines()
                        .filter(l -> l.startsWith("quiesce: lock 'ftwrl' held"))
                        .count())
                .as("once per change, not per tick")
                .isEqualTo(2);
        assertNothingHeld();
    }
}
