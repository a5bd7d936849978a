package io.github.quiesce.bench;

import com.mysql.cj.jdbc.MysqlDataSource;
import io.github.quiesce.testkit.DebianMariaDbCommands;
import io.github.quiesce.testkit.LogTail;
import io.github.quiesce.testkit.Loopback;
import io.github.quiesce.testkit.ServerProcesses;
import io.github.quiesce.testkit.TestAccounts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

/**
 * Debian's own MariaDB (10.11 on Debian 12, package {@code mariadb-server}), started by the bench as a
 * third target so that Debian's {@code mariabackup} (same version, package {@code mariadb-backup}) can
 * back it up, started as {@link DebianMariaDbCommands} says (as the testkit's Galera nodes are) on a free
 * loopback port. Closing stops
 * it and deletes its directory; a shutdown hook does so if the bench dies first.
 */
final class DebianMariaDb implements BenchServer, AutoCloseable {

    private static final long START_TIMEOUT_MS = 120_000;

    private final Path dir;
    private final int port;
    private final Process process;
    private final Thread hook;
    private String version = "10.11";

    private DebianMariaDb(Path dir, int port, Process process) {
        this.dir = dir;
        this.port = port;
        this.process = process;
        this.hook = new Thread(this::stopAndDelete, "bench-debian-mariadb-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Why it cannot be started here (a missing program, with its package), or empty when it can. */
    static Optional<String> unavailable() {
        if (Peers.find("mariadbd").isEmpty() || Peers.find("mariadb-install-db").isEmpty()) {
            return Optional.of("no mariadbd / mariadb-install-db found (package mariadb-server; " + Peers.SETUP + ")");
        }
        return Optional.empty();
    }

    static DebianMariaDb start() throws IOException {
        Path mariadbd = Peers.find("mariadbd")
                .orElseThrow(() -> new IllegalStateException(unavailable().get()));
        Path installDb = Peers.find("mariadb-install-db").orElseThrow();
        Path dir = Files.createTempDirectory("bench-mariadb-debian-");
        String user = System.getProperty("user.name");
        try {
            run(DebianMariaDbCommands.installDb(installDb, dir.resolve("data"), user), dir.resolve("install.log"));
            int port = Loopback.freePort();
            List<String> cmd = DebianMariaDbCommands.server(mariadbd, dir, dir.resolve("data"), port, user);
            Process p = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("stdout.log").toFile())
                    .start();
            DebianMariaDb server = new DebianMariaDb(dir, port, p);
            try {
                server.awaitReady();
            } catch (RuntimeException e) {
                server.close();
                throw e;
            }
            return server;
        } catch (IOException | RuntimeException e) {
            Peers.deleteTree(dir);
            throw e;
        }
    }

    private void awaitReady() {
        long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
        String last = "no connection yet";
        while (System.currentTimeMillis() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Debian's mariadbd exited with code " + process.exitValue()
                        + " during start:\n" + LogTail.of(dir.resolve("error.log")));
            }
            try (Connection c = DriverManager.getConnection(jdbcUrl() + "&connectTimeout=1000", "root", "");
                    Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT VERSION()")) {
                rs.next();
                version = rs.getString(1).replaceFirst("-.*", "");
                return;
            } catch (SQLException e) {
                last = e.getMessage();
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for Debian's mariadbd", e);
            }
        }
        throw new IllegalStateException("Debian's mariadbd did not accept connections within " + START_TIMEOUT_MS / 1000
                + " s (last: " + last + "):\n" + LogTail.of(dir.resolve("error.log")));
    }

    @Override
    public String label() {
        return "MariaDB " + version + " (Debian)";
    }

    @Override
    public boolean isMariaDb() {
        return true;
    }

    @Override
    public int port() {
        return port;
    }

    private String jdbcUrl() {
        return "jdbc:mysql://127.0.0.1:" + port + "/?sslMode=DISABLED&allowPublicKeyRetrieval=true&useSSL=false";
    }

    @Override
    public DataSource dataSource() {
        MysqlDataSource ds = new MysqlDataSource();
        ds.setURL(jdbcUrl());
        ds.setUser("root");
        ds.setPassword("");
        return ds;
    }

    @Override
    public Optional<Path> backupDataDir() {
        return Optional.of(dir.resolve("data"));
    }

    @Override
    public void createUser(String user, String password, String... globalPrivileges) {
        execute(TestAccounts.create(user, password, "IDENTIFIED", globalPrivileges)
                .toArray(String[]::new));
    }

    /** Stops the server (SIGTERM, as a service manager would) and deletes its directory. */
    @Override
    public void close() {
        stopAndDelete();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // The hook is running or about to: it does the same.
        }
    }

    private synchronized void stopAndDelete() {
        if (process.isAlive()) {
            ServerProcesses.stop(process);
        }
        try {
            Peers.deleteTree(dir);
        } catch (UncheckedIOException e) {
            Bench.log("could not delete %s: %s", dir, e.getCause());
        }
    }

    @Override
    public String toString() {
        return label() + " at 127.0.0.1:" + port;
    }

    private static void run(List<String> cmd, Path log) throws IOException {
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        try {
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(cmd.get(0) + " did not finish within 120 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IllegalStateException("interrupted", e);
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException(cmd.get(0) + " exited with " + p.exitValue() + ":\n" + LogTail.of(log));
        }
    }
}
