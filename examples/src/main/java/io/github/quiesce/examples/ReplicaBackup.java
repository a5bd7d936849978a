package io.github.quiesce.examples;

import io.github.quiesce.BackupOptions;
import io.github.quiesce.BackupSession;
import io.github.quiesce.BinlogCoordinates;
import io.github.quiesce.ReplicaSource;
import io.github.quiesce.cli.Json;
import io.github.quiesce.readonly.ReadOnlyStrategy;
import io.github.quiesce.testkit.ReplicaPair;
import io.github.quiesce.testkit.ServerDistribution;
import io.github.quiesce.testkit.Writers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Example 3: back up a replica, never its source. {@code read-only} stops the replica's SQL thread,
 * takes the global read lock and reads both the replica's own binary log point and its source's
 * (file, position, GTID set). The source keeps taking writes the whole time, so the copy can take as
 * long as it needs: here every table of a schema is dumped to CSV while the replica is held. The
 * {@code CHANGE REPLICATION SOURCE TO} text for a new replica built from this copy goes to
 * {@code xtrabackup_slave_info}, as {@code xtrabackup --slave-info} writes it.
 *
 * <pre>
 * java -cp examples/target/quiesce-examples.jar io.github.quiesce.examples.ReplicaBackup [--url REPLICA --user … --password-env …]
 *      [--schema NAME] [--dir DIR]
 * </pre>
 */
public final class ReplicaBackup {

    /** The replica's point, its source's point, and the rows copied per table. */
    public record Result(
            BinlogCoordinates coordinates, ReplicaSource source, Map<String, Long> rowsPerTable, Path directory) {}

    private ReplicaBackup() {}

    public static void main(String[] args) {
        try {
            ExampleArgs opts = ExampleArgs.parse(args, "--schema", "--dir");
            Path dir = Path.of(opts.get("--dir", "quiesce-replica-backup"));
            Optional<DataSource> external = opts.externalServer();
            Result r = external.isPresent()
                    ? backup(external.get(), opts.get("--schema", "test"), dir)
                    : backupEmbeddedReplica(dir);
            System.out.println(summary(r));
        } catch (IllegalArgumentException e) {
            System.err.println("replica-backup: " + e.getMessage());
            System.err.println(ExampleArgs.usage("replica-backup", "[--schema NAME] [--dir DIR]"));
            System.exit(2);
        } catch (RuntimeException | IOException e) {
            System.err.println("replica-backup: " + e.getMessage());
            System.exit(1);
        }
    }

    /**
     * Holds {@code replica} read-only with its SQL thread stopped, copies every table of {@code schema}
     * into {@code directory}, and writes the coordinates; the replica's settings and SQL thread are
     * restored at close, whatever happens.
     *
     * @throws io.github.quiesce.UnsupportedServerException if the server is not a replica (read-only would stop every writer of a source)
     */
    public static Result backup(DataSource replica, String schema, Path directory) throws IOException {
        CsvDump.requireSchemaName(schema);
        Files.createDirectories(directory);
        BackupOptions options = BackupOptions.builder()
                .strategy(ReadOnlyStrategy.NAME)
                .set(ReadOnlyStrategy.STOP_REPLICA_SQL_THREAD, true)
                .build();
        Map<String, Long> rows = new LinkedHashMap<>();
        BinlogCoordinates coordinates;
        try (BackupSession session = BackupSession.open(replica, options);
                Connection c = replica.getConnection()) {
            coordinates = session.coordinates();
            // While held nothing changes on the replica, so one plain connection reads a consistent copy.
            for (String table : CsvDump.tables(c, schema)) {
                rows.put(table, CsvDump.write(c, schema, table, CsvDump.fileFor(directory, table)));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not copy " + schema + " from the replica: " + e.getMessage(), e);
        }
        ReplicaSource source = coordinates
                .replicaSource()
                .orElseThrow(() -> new IllegalStateException("the server reported no source: it is not a replica"));
        Result result = new Result(coordinates, source, rows, directory);
        Files.writeString(directory.resolve("coordinates.json"), summary(result) + "\n", StandardCharsets.UTF_8);
        Files.writeString(
                directory.resolve("xtrabackup_slave_info"),
                (source.changeSourceByGtidStatement().isEmpty()
                                ? source.changeSourceStatement()
                                : source.changeSourceByGtidStatement())
                        + "\n",
                StandardCharsets.UTF_8);
        return result;
    }

    static String summary(Result r) {
        Map<String, Object> json = Json.coordinates(ReadOnlyStrategy.NAME, r.coordinates());
        json.put("tables", r.rowsPerTable().size());
        json.put(
                "rows",
                r.rowsPerTable().values().stream().mapToLong(Long::longValue).sum());
        json.put("dir", r.directory().toString());
        return Json.object(json);
    }

    /** The self-contained run: an embedded MySQL 8.0.15 source and replica, with writers on the source throughout. */
    private static Result backupEmbeddedReplica(Path dir) throws IOException {
        try (ReplicaPair pair = ReplicaPair.start(ServerDistribution.MYSQL_8_0_15)) {
            Writers.createTable(pair.source(), "shop", "orders");
            try (Writers writers = Writers.start(pair.source(), "shop", "orders", 4, Long.MAX_VALUE)) {
                writers.awaitCommitted(100, 10_000);
                return backup(pair.replica().dataSource(), "shop", dir);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
    }
}
