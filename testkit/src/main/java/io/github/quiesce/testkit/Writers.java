package io.github.quiesce.testkit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * Writer threads that each commit single-row autocommit INSERTs into one table, one transaction per
 * row, and record every commit's latency. The load of the consistency tests and of the benchmark.
 * Bounded: every writer stops on {@link #close()} or after {@code maxRowsPerWriter}.
 */
public final class Writers implements AutoCloseable {

    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z0-9_]{1,64}");

    /** One commit: when it started and how long it took, in nanoseconds. */
    public record Commit(long startNanos, long latencyNanos) {}

    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong committed = new AtomicLong();
    private final ConcurrentLinkedQueue<Commit> commits = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
    private final List<Thread> threads = new ArrayList<>();

    private Writers() {}

    /** Creates {@code schema.table} (id, writer, seq) if missing; names are validated. */
    public static void createTable(EmbeddedServer server, String schema, String table) {
        requireIdentifier(schema);
        requireIdentifier(table);
        server.execute(
                "CREATE DATABASE IF NOT EXISTS " + schema,
                "CREATE TABLE IF NOT EXISTS " + schema + "." + table
                        + " (id BIGINT AUTO_INCREMENT PRIMARY KEY, writer INT NOT NULL, seq BIGINT NOT NULL) ENGINE=InnoDB");
    }

    /** A fresh table named {@code prefix_<random hex>} in {@code schema}, so that tests on a shared server never collide. */
    public static String newTable(EmbeddedServer server, String schema, String prefix) {
        String table = prefix + "_"
                + Long.toHexString(
                        java.util.concurrent.ThreadLocalRandom.current().nextLong() & 0xffffffL);
        createTable(server, schema, table);
        return table;
    }

    /** Four writers on the table, returned once they are committing: the load the stall tests measure. */
    public static Writers running(EmbeddedServer server, String schema, String table) throws InterruptedException {
        Writers writers = start(server, schema, table, 4, 1_000_000);
        writers.awaitCommitted(20, 10_000);
        return writers;
    }

    public static Writers start(
            EmbeddedServer server, String schema, String table, int threads, long maxRowsPerWriter) {
        return start(server.dataSource(), schema, table, threads, maxRowsPerWriter);
    }

    /** Writers on any server, e.g. a Testcontainers one. */
    public static Writers start(
            javax.sql.DataSource dataSource, String schema, String table, int threads, long maxRowsPerWriter) {
        return start(dataSource, schema, table, threads, maxRowsPerWriter, java.time.Duration.ZERO);
    }

    /**
     * Writers that pause {@code pause} before each commit: a steady load below what a server can take (a Galera
     * node applying another node's writes falls behind 4 unpaced writers on 2 CPUs, and flow control then
     * throttles them all the time).
     */
    public static Writers start(
            javax.sql.DataSource dataSource,
            String schema,
            String table,
            int threads,
            long maxRowsPerWriter,
            java.time.Duration pause) {
        requireIdentifier(schema);
        requireIdentifier(table);
        Writers w = new Writers();
        String insert = "INSERT INTO " + schema + "." + table + " (writer, seq) VALUES (?, ?)";
        for (int i = 0; i < threads; i++) {
            int writer = i;
            Thread t = new Thread(
                    () -> w.loop(dataSource, insert, writer, maxRowsPerWriter, pause.toNanos()), "writer-" + i);
            t.setDaemon(true);
            w.threads.add(t);
            t.start();
        }
        return w;
    }

    private void loop(javax.sql.DataSource dataSource, String insert, int writer, long maxRows, long pauseNanos) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(insert)) {
            for (long seq = 0; running.get() && seq < maxRows; seq++) {
                if (pauseNanos > 0) {
                    java.util.concurrent.locks.LockSupport.parkNanos(pauseNanos);
                }
                ps.setInt(1, writer);
                ps.setLong(2, seq);
                long start = System.nanoTime();
                ps.executeUpdate();
                commits.add(new Commit(start, System.nanoTime() - start));
                committed.incrementAndGet();
            }
        } catch (SQLException e) {
            if (running.get()) {
                errors.add("writer-" + writer + ": " + e.getMessage());
            }
        }
    }

    public long committed() {
        return committed.get();
    }

    public List<String> errors() {
        return List.copyOf(errors);
    }

    /** The commits that started or finished between the two instants (System.nanoTime()). */
    public List<Commit> commitsOverlapping(long fromNanos, long toNanos) {
        List<Commit> out = new ArrayList<>();
        for (Commit c : commits) {
            if (c.startNanos() <= toNanos && c.startNanos() + c.latencyNanos() >= fromNanos) {
                out.add(c);
            }
        }
        return out;
    }

    /** The worst latency, in ms, among commits overlapping the window; 0 when none. */
    public double worstLatencyMillis(long fromNanos, long toNanos) {
        return commitsOverlapping(fromNanos, toNanos).stream()
                        .mapToLong(Commit::latencyNanos)
                        .max()
                        .orElse(0)
                / 1e6;
    }

    /** The p-th percentile latency in ms (0 &lt; p &lt;= 100) of commits overlapping the window. */
    public double percentileLatencyMillis(long fromNanos, long toNanos, double p) {
        List<Long> l = new ArrayList<>(commitsOverlapping(fromNanos, toNanos).stream()
                .map(Commit::latencyNanos)
                .toList());
        if (l.isEmpty()) {
            return 0;
        }
        Collections.sort(l);
        int idx = (int) Math.ceil(p / 100.0 * l.size()) - 1;
        return l.get(Math.max(0, Math.min(idx, l.size() - 1))) / 1e6;
    }

    /** Blocks until at least {@code n} commits have happened, or the timeout passes. */
    public void awaitCommitted(long n, long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (committed.get() < n && System.currentTimeMillis() < deadline) {
            Thread.sleep(5);
        }
    }

    @Override
    public void close() {
        running.set(false);
        for (Thread t : threads) {
            try {
                t.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static void requireIdentifier(String name) {
        if (!IDENTIFIER.matcher(name).matches()) {
            throw new IllegalArgumentException("not a plain identifier: " + name);
        }
    }
}
