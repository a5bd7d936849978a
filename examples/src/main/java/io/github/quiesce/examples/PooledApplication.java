package io.github.quiesce.examples;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import io.github.quiesce.BackupOptions;
import io.github.quiesce.BackupSession;
import io.github.quiesce.BinlogCoordinates;
import io.github.quiesce.cli.ExternalServer;
import io.github.quiesce.cli.Json;
import io.github.quiesce.testkit.EmbeddedServer;
import io.github.quiesce.testkit.ServerDistribution;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Example 4: an application that already has a HikariCP pool takes its consistent point from that pool,
 * while its own request threads keep borrowing connections from it. The session's lock connection goes
 * back to the pool with every session setting it changed put back (a connection whose release failed is
 * evicted instead, never handed to the next request holding a lock), so the pool is healthy afterwards:
 * no connection active, none lost, the requests served throughout.
 *
 * <pre>
 * java -cp examples/target/quiesce-examples.jar io.github.quiesce.examples.PooledApplication [--url … --user … --password-env …]
 *      [--pool-size 8] [--strategy auto]
 * </pre>
 */
public final class PooledApplication {

    /** The point taken, the application's requests while it was taken, and the pool afterwards. */
    public record Result(
            BinlogCoordinates coordinates,
            String strategy,
            long requestsDuringSession,
            List<String> requestErrors,
            int activeAfter,
            int idleAfter,
            int totalAfter,
            int maximumPoolSize) {}

    private static final String CREATE_TABLE = "CREATE TABLE IF NOT EXISTS quiesce_app.requests"
            + " (id BIGINT AUTO_INCREMENT PRIMARY KEY, worker INT NOT NULL, at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)) ENGINE=InnoDB";
    private static final String INSERT = "INSERT INTO quiesce_app.requests (worker) VALUES (?)";

    private PooledApplication() {}

    public static void main(String[] args) {
        try {
            ExampleArgs opts = ExampleArgs.parse(args, "--pool-size", "--strategy");
            int poolSize = opts.getInt("--pool-size", 8);
            BackupOptions options = BackupOptions.builder()
                    .strategy(opts.get("--strategy", BackupOptions.AUTO))
                    .build();
            if (opts.externalServer().isPresent()) {
                try (HikariDataSource pool = pool(
                        ExternalServer.requireJdbcUrl(opts.get("--url", null)),
                        opts.get("--user", null),
                        ExternalServer.password(opts.get("--password-env", null)),
                        poolSize)) {
                    System.out.println(summary(run(pool, options)));
                }
                return;
            }
            try (EmbeddedServer server = EmbeddedServer.start(ServerDistribution.MYSQL_8_0_15);
                    HikariDataSource pool = pool(server.jdbcUrl(), "root", "", poolSize)) {
                System.out.println(summary(run(pool, options)));
            }
        } catch (IllegalArgumentException e) {
            System.err.println("pooled-application: " + e.getMessage());
            System.err.println(ExampleArgs.usage("pooled-application", "[--pool-size N] [--strategy NAME]"));
            System.exit(2);
        } catch (RuntimeException e) {
            System.err.println("pooled-application: " + e.getMessage());
            System.exit(1);
        }
    }

    /** The application's pool, configured as an application would; the session needs one connection of it (+1 per snapshot). */
    public static HikariDataSource pool(String jdbcUrl, String user, String password, int maximumPoolSize) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(maximumPoolSize);
        config.setPoolName("app");
        return new HikariDataSource(config);
    }

    /**
     * Starts two request threads on the pool, takes a consistent point from the same pool while they
     * run, stops them, and reports the pool's state.
     */
    public static Result run(HikariDataSource pool, BackupOptions options) {
        execute(pool, "CREATE DATABASE IF NOT EXISTS quiesce_app", CREATE_TABLE);
        BinlogCoordinates coordinates;
        String strategy;
        long during;
        List<String> errors;
        try (Requests requests = Requests.start(pool, 2)) {
            requests.awaitServed(20);
            long before = requests.served();
            try (BackupSession session = BackupSession.open(pool, options)) {
                coordinates = session.coordinates();
                strategy = session.strategy();
            }
            during = requests.served() - before;
            requests.awaitServed(requests.served() + 20);
            errors = requests.errors();
        }
        HikariPoolMXBean stats = pool.getHikariPoolMXBean();
        return new Result(
                coordinates,
                strategy,
                during,
                errors,
                stats.getActiveConnections(),
                stats.getIdleConnections(),
                stats.getTotalConnections(),
                pool.getMaximumPoolSize());
    }

    private static void execute(HikariDataSource pool, String... statements) {
        try (Connection c = pool.getConnection();
                Statement st = c.createStatement()) {
            for (String s : statements) {
                st.execute(s);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not prepare the application's table: " + e.getMessage(), e);
        }
    }

    static String summary(Result r) {
        Map<String, Object> json = Json.coordinates(r.strategy(), r.coordinates());
        json.put("requestsDuringSession", r.requestsDuringSession());
        json.put("requestErrors", r.requestErrors().size());
        json.put("poolActive", r.activeAfter());
        json.put("poolIdle", r.idleAfter());
        json.put("poolTotal", r.totalAfter());
        json.put("poolMax", r.maximumPoolSize());
        return Json.object(json);
    }

    /** The application's request threads: borrow a connection, write one row, give it back. */
    static final class Requests implements AutoCloseable {

        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicLong served = new AtomicLong();
        private final ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
        private final List<Thread> threads = new ArrayList<>();

        static Requests start(HikariDataSource pool, int threads) {
            Requests r = new Requests();
            for (int i = 0; i < threads; i++) {
                int worker = i;
                Thread t = new Thread(() -> r.serve(pool, worker), "request-" + i);
                t.setDaemon(true);
                r.threads.add(t);
                t.start();
            }
            return r;
        }

        private void serve(HikariDataSource pool, int worker) {
            while (running.get()) {
                try (Connection c = pool.getConnection();
                        PreparedStatement ps = c.prepareStatement(INSERT)) {
                    ps.setInt(1, worker);
                    ps.executeUpdate();
                    served.incrementAndGet();
                } catch (SQLException e) {
                    errors.add("request-" + worker + ": " + e.getMessage());
                }
            }
        }

        long served() {
            return served.get();
        }

        List<String> errors() {
            return List.copyOf(errors);
        }

        void awaitServed(long n) {
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (served.get() < n && System.nanoTime() < deadline && errors.isEmpty()) {
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }

        @Override
        public void close() {
            running.set(false);
            for (Thread t : threads) {
                try {
                    t.join(60_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
