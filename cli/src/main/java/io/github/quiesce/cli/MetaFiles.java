package io.github.quiesce.cli;

import io.github.quiesce.BinlogCoordinates;
import io.github.quiesce.ReplicaSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The coordinates as files beside the backup, in quiesce's JSON and in the formats XtraBackup writes. */
final class MetaFiles {

    private MetaFiles() {}

    static void write(Path dir, String json, BinlogCoordinates c) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("quiesce_coordinates.json"), json + "\n", StandardCharsets.UTF_8);
        // XtraBackup's format, so existing restore scripts read it: file<TAB>position<TAB>gtid
        Files.writeString(
                dir.resolve("xtrabackup_binlog_info"),
                c.file() + "\t" + c.position() + (c.gtidSet().isEmpty() ? "" : "\t" + c.gtidSet()) + "\n",
                StandardCharsets.UTF_8);
        // One line per source, as XtraBackup writes it for a multi-source replica.
        if (!c.replicaSources().isEmpty()) {
            StringBuilder text = new StringBuilder();
            for (ReplicaSource src : c.replicaSources()) {
                text.append(
                                src.changeSourceByGtidStatement().isEmpty()
                                        ? src.changeSourceStatement()
                                        : src.changeSourceByGtidStatement())
                        .append('\n');
            }
            Files.writeString(dir.resolve("xtrabackup_slave_info"), text, StandardCharsets.UTF_8);
        }
        // mariabackup's and XtraBackup's --galera-info: uuid:seqno, what a restored node's grastate.dat needs to join
        // by IST.
        if (c.galeraPosition().isPresent()) {
            Files.writeString(
                    dir.resolve("xtrabackup_galera_info"), c.galeraPosition().get() + "\n", StandardCharsets.UTF_8);
        }
    }
}
