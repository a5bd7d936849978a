package io.github.quiesce.examples;

import io.github.quiesce.BackupOptions;
import io.github.quiesce.BackupSession;
import io.github.quiesce.BinlogCoordinates;
import io.github.quiesce.cli.Json;
import io.github.quiesce.testkit.EmbeddedServer;
import io.github.quiesce.testkit.ServerDistribution;
import io.github.quiesce.testkit.Writers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;

/**
 * Example 2: a parallel consistent logical export, the way mydumper and MySQL Shell dump. The session
 * opens N consistent-snapshot connections at its point and reads the coordinates, then closes: writers
 * wait for milliseconds at most. The N connections then dump every table of a schema to CSV files in
 * parallel, each seeing exactly the data at those coordinates, and {@code coordinates.json} records them.
 *
 * <pre>
 * java -cp examples/target/quiesce-examples.jar io.github.quiesce.examples.ParallelExport [--url … --user … --password-env …]
 *      [--schema NAME] [--workers 4] [--dir DIR]
 * </pre>
 */
public final class ParallelExport {

    /** What was exported: the point, the rows written per table, and how long writers could have waited. */
    public record Result(
            BinlogCoordinates coordinates,
            String strategy,
            Map<String, Long> rowsPerTable,
            double lockHeldMillis,
            Path directory) {

        public long totalRows() {
            return rowsPerTable.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private ParallelExport() {}

    public static void main(String[] args) {
        try {
            ExampleArgs opts = ExampleArgs.parse(args, "--schema", "--workers", "--dir");
            Path dir = Path.of(opts.get("--dir", "quiesce-export"));
            int workers = opts.getInt("--workers", 4);
            Optional<DataSource> external = opts.externalServer();
            Result r = external.isPresent()
                    ? export(external.get(), opts.get("--schema", "test"), dir, workers)
                    : exportFromEmbeddedServer(dir, workers);
            System.out.println(summary(r));
        } catch (IllegalArgumentException e) {
            System.err.println("parallel-export: " + e.getMessage());
            System.err.println(ExampleArgs.usage("parallel-export", "[--schema NAME] [--workers N] [--dir DIR]"));
            System.exit(2);
        } catch (RuntimeException | IOException e) {
            System.err.println("parallel-export: " + e.getMessage());
            System.exit(1);
        }
    }

    /**
     * Dumps every base table of {@code schema} into {@code directory/<table>.csv} with {@code workers}
     * connections, all at one consistent point, and writes {@code directory/coordinates.json}.
     */
    public static Result export(DataSource dataSource, String schema, Path directory, int workers) throws IOException {
        CsvDump.requireSchemaName(schema);
        Files.createDirectories(directory);
        List<Connection> snapshots;
        BinlogCoordinates coordinates;
        // The workers connect before the lock: writers then wait only for their snapshot statements.
        BackupSession session = BackupSession.open(
                dataSource, BackupOptions.builder().prepareSnapshots(workers).build());
        try (session) {
            snapshots = session.snapshotConnections(workers);
            coordinates = session.coordinates();
        }
        try {
            Map<String, Long> rows = dump(snapshots, schema, directory);
            Result result = new Result(
                    coordinates, session.strategy(), rows, session.timings().lockHeldMillis(), directory);
            Files.writeString(directory.resolve("coordinates.json"), summary(result) + "\n", StandardCharsets.UTF_8);
            return result;
        } finally {
            closeAll(snapshots);
        }
    }

    /** Each worker takes the next table from one queue, so a big table does not hold up the others. */
    private static Map<String, Long> dump(List<Connection> snapshots, String schema, Path directory) {
        ConcurrentLinkedQueue<String> queue;
        try {
            queue = new ConcurrentLinkedQueue<>(CsvDump.tables(snapshots.get(0), schema));
        } catch (SQLException e) {
            throw new IllegalStateException("Could not list the tables of " + schema + ": " + e.getMessage(), e);
        }
        Map<String, Long> rows = Collections.synchronizedMap(new TreeMap<>());
        ExecutorService pool = Executors.newFixedThreadPool(snapshots.size());
        try {
            List<Future<?>> running = new ArrayList<>();
            for (Connection c : snapshots) {
                running.add(pool.submit(() -> {
                    for (String table = queue.poll(); table != null; table = queue.poll()) {
                        rows.put(table, dumpTable(c, schema, table, directory));
                    }
                }));
            }
            for (Future<?> f : running) {
                f.get();
            }
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while exporting", e);
        } finally {
            pool.shutdownNow();
        }
        return new LinkedHashMap<>(rows);
    }

    private static long dumpTable(Connection c, String schema, String table, Path directory) {
        try {
            return CsvDump.write(c, schema, table, CsvDump.fileFor(directory, table));
        } catch (SQLException e) {
            throw new IllegalStateException("Could not export " + schema + "." + table + ": " + e.getMessage(), e);
        }
    }

    private static void closeAll(List<Connection> connections) {
        for (Connection c : connections) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // A read-only snapshot: closing it can lose nothing.
            }
        }
    }

    static String summary(Result r) {
        Map<String, Object> json = Json.coordinates(r.strategy(), r.coordinates());
        json.put("tables", r.rowsPerTable().size());
        json.put("rows", r.totalRows());
        json.put("lockHeldMs", r.lockHeldMillis());
        json.put("dir", r.directory().toString());
        return Json.object(json);
    }

    /** The self-contained run: an embedded MySQL 8.0.15 with two tables taking writes while they are exported. */
    private static Result exportFromEmbeddedServer(Path dir, int workers) throws IOException {
        try (EmbeddedServer server = EmbeddedServer.start(ServerDistribution.MYSQL_8_0_15)) {
            Writers.createTable(server, "shop", "orders");
            Writers.createTable(server, "shop", "payments");
            try (Writers orders = Writers.start(server, "shop", "orders", 2, Long.MAX_VALUE);
                    Writers payments = Writers.start(server, "shop", "payments", 2, Long.MAX_VALUE)) {
                orders.awaitCommitted(100, 10_000);
                payments.awaitCommitted(100, 10_000);
                return export(server.dataSource(), "shop", dir, workers);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
    }
}
