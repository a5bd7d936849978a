package io.github.quiesce.bench;

import com.sun.management.OperatingSystemMXBean;
import io.github.quiesce.spi.Snapshots;
import io.github.quiesce.testkit.EmbeddedServer;
import io.github.quiesce.testkit.ServerDistribution;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * What one snapshot start costs on this machine, apart from any lock: {@code n} idle connections each run
 * {@link Snapshots#START}, from one thread per connection as quiesce starts them, and from one thread
 * in turn; wall time per batch, and the CPU the client (this JVM) and the server spend per start. The
 * writers' stall at {@code n} prepared workers cannot be less than the parallel batch's wall time, which
 * is bounded below by the CPU per start times {@code n} over the cores. Run it again under
 * {@code taskset -c 0} to see how the batch scales with the cores.
 *
 * <pre>java -cp ... io.github.quiesce.bench.StartCost [n] [batches]</pre>
 */
public final class StartCost {

    private StartCost() {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 128;
        int batches = args.length > 1 ? Integer.parseInt(args[1]) : 60;
        System.out.printf(
                Locale.ROOT,
                "%d snapshot starts per batch, %d batches per row, %d CPUs seen by the JVM%n%n",
                n,
                batches,
                Runtime.getRuntime().availableProcessors());
        System.out.println("| server | issued from | batch wall, median (ms) | client CPU per start (µs) "
                + "| server CPU per start (µs) |");
        System.out.println("|---|---|---|---|---|");
        for (ServerDistribution d : List.of(ServerDistribution.MYSQL_8_0_15, ServerDistribution.MARIADB_11_4_5)) {
            try (EmbeddedServer server = EmbeddedServer.start(d)) {
                measure(server, n, batches);
            }
        }
        System.exit(0);
    }

    private static void measure(EmbeddedServer server, int n, int batches) throws Exception {
        List<Connection> connections = new ArrayList<>();
        ExecutorService threads = Executors.newFixedThreadPool(n);
        try {
            for (int i = 0; i < n; i++) {
                Connection c = server.connect();
                c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
                c.setAutoCommit(false);
                connections.add(c);
            }
            // The first rounds warm the JIT and both sides' caches; the last ones are the figures.
            for (boolean recorded : new boolean[] {false, true}) {
                for (boolean parallel : new boolean[] {true, false}) {
                    Cost cost = batches(server, connections, parallel ? threads : null, batches);
                    if (recorded) {
                        System.out.printf(
                                Locale.ROOT,
                                "| %s | %s | %.1f | %.0f | %.0f |%n",
                                server.distribution().displayName(),
                                parallel ? "one thread per connection, as quiesce" : "one thread, in turn",
                                cost.medianWallMillis(),
                                cost.clientMicrosPerStart(),
                                cost.serverMicrosPerStart());
                    }
                }
            }
        } finally {
            threads.shutdownNow();
            for (Connection c : connections) {
                c.close();
            }
        }
    }

    private record Cost(double medianWallMillis, double clientMicrosPerStart, double serverMicrosPerStart) {}

    private static Cost batches(
            EmbeddedServer server, List<Connection> connections, ExecutorService threads, int batches)
            throws Exception {
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long[] walls = new long[batches];
        long clientNanos = 0;
        long serverNanos = 0;
        for (int b = 0; b < batches; b++) {
            for (Connection c : connections) {
                c.rollback();
            }
            long client = os.getProcessCpuTime();
            long serverCpu = cpuNanos(server.pid());
            long start = System.nanoTime();
            if (threads == null) {
                for (Connection c : connections) {
                    start(c);
                }
            } else {
                List<CompletableFuture<Void>> starts = new ArrayList<>();
                for (Connection c : connections) {
                    starts.add(CompletableFuture.runAsync(() -> start(c), threads));
                }
                starts.forEach(CompletableFuture::join);
            }
            walls[b] = System.nanoTime() - start;
            clientNanos += os.getProcessCpuTime() - client;
            serverNanos += cpuNanos(server.pid()) - serverCpu;
        }
        Arrays.sort(walls);
        double starts = (double) batches * connections.size();
        return new Cost(walls[batches / 2] / 1e6, clientNanos / 1e3 / starts, serverNanos / 1e3 / starts);
    }

    private static void start(Connection c) {
        try (Statement st = c.createStatement()) {
            st.execute(Snapshots.START);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** utime + stime of a process, from /proc (clock ticks of 10 ms: summed over many batches). */
    private static long cpuNanos(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10_000_000L;
    }
}
