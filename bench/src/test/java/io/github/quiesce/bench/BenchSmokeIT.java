package io.github.quiesce.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The benchmark is not a test; this checks that it still runs end to end (one short repetition of the quick
 * scenarios and every tool on both embedded servers, three runs with 32 writers) and writes its three outputs,
 * so the README command keeps working. Debian's MariaDB and the young query are left to the full run.
 */
class BenchSmokeIT {

    @Test
    void aQuickRunComparesEveryToolAndWritesTheTableTheCsvAndTheChart(@TempDir Path out) throws Exception {
        Report report = Bench.run(Bench.Config.quick(out));

        assertThat(report.failures()).as(report.markdown()).isZero();
        assertThat(report.tools())
                .contains(
                        Tools.NONE,
                        "raw FTWRL",
                        "FTWRL after pre-flush",
                        "mariadb-dump --single-transaction --master-data=2",
                        "raw LOCK INSTANCE + log_status",
                        "raw BACKUP STAGE",
                        "quiesce auto",
                        "quiesce ftwrl",
                        "quiesce mysql-instance-lock",
                        "quiesce mariadb-backup-stage");
        assertThat(report.markdown())
                .contains(
                        "| MySQL 8.0.15 | idle | quiesce auto |",
                        "Ratios in this run",
                        "Success rate with many writers",
                        "quiesce mysql-instance-lock held ");
        // A peer program runs where bench/setup-peers.sh installed it (CI does not); absent, the report says so.
        if (Peers.find("mydumper").isPresent()) {
            assertThat(report.tools()).contains(Tools.MYDUMPER, Tools.MYDUMPER_TRX);
        } else {
            assertThat(report.skipped()).anyMatch(s -> s.startsWith("mydumper: not run"));
            assertThat(report.markdown()).contains("Skipped on this machine", "mydumper: not run");
        }
        assertThat(Files.readAllLines(report.csvFile())).hasSizeGreaterThan(20);
        assertThat(report.chartFile()).as("chart drawn").isNotNull();
        assertThat(Files.size(report.chartFile())).isGreaterThan(10_000);
        // The one claim a smoke run can make at once: with a long SELECT in flight, quiesce's pick stalls writers far
        // less.
        double ours = report.medianWorst("MySQL 8.0.15", "s SELECT on the written table", "quiesce auto")
                .orElseThrow();
        double raw = report.medianWorst("MySQL 8.0.15", "s SELECT on the written table", "raw FTWRL")
                .orElseThrow();
        assertThat(ours).as("quiesce auto %s ms vs raw FTWRL %s ms", ours, raw).isLessThan(raw / 3);
    }
}
