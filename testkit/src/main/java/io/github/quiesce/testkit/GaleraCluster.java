package io.github.quiesce.testkit;

import com.mysql.cj.jdbc.MysqlDataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.junit.jupiter.api.Assumptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Galera cluster on loopback, from Debian's packages {@code mariadb-server}, {@code galera-4} and
 * {@code rsync} (what {@code .ci/run} installs): node 1 is initialised with {@code mariadb-install-db} and
 * bootstraps the cluster ({@code --wsrep-new-cluster}); every other node starts from an empty data directory
 * and joins by rsync state snapshot transfer. Each node has its own ports (client, group communication, IST,
 * SST) and data directory; nothing reads {@code /etc/mysql} ({@code --no-defaults}) and no system service is
 * involved. Closing stops every node and deletes their data.
 *
 * <pre>{@code
 * GaleraCluster.assumeAvailable();
 * try (GaleraCluster cluster = GaleraCluster.start(2)) {
 *     DataSource node1 = cluster.node(1).dataSource();
 * }
 * }</pre>
 *
 * <p>When the packages are absent, {@link #assumeAvailable()} skips the test, saying what to install; with
 * {@value #REQUIRE_ENV} set (CI does) it fails it instead, so that a CI machine never skips these tests.
 *
 * <p>Run as root, the rsync daemon that receives a joiner's snapshot drops to {@code nobody}, so a joiner's
 * empty data directory is given to {@code nobody:nogroup} first (and the cluster's directories are
 * world-traversable).
 */
public final class GaleraCluster implements AutoCloseable {

    /** Set (to anything) to make {@link #assumeAvailable()} fail instead of skip. */
    public static final String REQUIRE_ENV = "QUIESCE_REQUIRE_GALERA";

    static final Path MARIADBD = DebianMariaDbCommands.MARIADBD;
    static final Path INSTALL_DB = DebianMariaDbCommands.INSTALL_DB;
    static final Path PROVIDER = Path.of("/usr/lib/galera/libgalera_smm.so");
    static final Path SST_SCRIPT = Path.of("/usr/bin/wsrep_sst_rsync");
    static final Path RSYNC = Path.of("/usr/bin/rsync");

    private static final Logger LOG = LoggerFactory.getLogger(GaleraCluster.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final Set<GaleraCluster> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime()
                .addShutdownHook(new Thread(() -> RUNNING.forEach(GaleraCluster::close), "quiesce-galera-shutdown"));
    }

    private final Path root;
    private final List<Node> nodes = new ArrayList<>();

    private GaleraCluster(Path root) {
        this.root = root;
    }

    /** Why a cluster cannot be started here (a missing program, named with its package), or empty when it can. */
    public static Optional<String> unavailable() {
        Map<Path, String> needed = Map.of(
                MARIADBD,
                "mariadb-server",
                INSTALL_DB,
                "mariadb-server",
                PROVIDER,
                "galera-4",
                SST_SCRIPT,
                "mariadb-server",
                RSYNC,
                "rsync");
        List<String> missing = needed.entrySet().stream()
                .filter(e -> !Files.isExecutable(e.getKey()) && !Files.isReadable(e.getKey()))
                .map(e -> e.getKey() + " (" + e.getValue() + ")")
                .sorted()
                .toList();
        if (missing.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(
                "a Galera cluster needs Debian's mariadb-server, galera-4 and rsync (apt-get install -y --no-install-recommends"
                        + " mariadb-server galera-4 rsync; .ci/run does it); missing: " + String.join(", ", missing));
    }

    /** Skips the calling test, saying why, when the packages are absent; fails it instead when {@value #REQUIRE_ENV} is set. */
    public static void assumeAvailable() {
        Optional<String> why = unavailable();
        if (why.isPresent() && System.getenv(REQUIRE_ENV) != null) {
            throw new IllegalStateException(REQUIRE_ENV + " is set but " + why.get());
        }
        Assumptions.assumeTrue(why.isEmpty(), () -> "Skipped: " + why.orElse(""));
    }

    /** Starts a cluster of {@code size} nodes (2 or more) and returns once every node is Synced in one primary component. */
    public static GaleraCluster start(int size) {
        if (size < 1 || size > 5) {
            throw new IllegalArgumentException("size must be 1 to 5, was " + size);
        }
        unavailable().ifPresent(why -> {
            throw new IllegalStateException("Cannot start a Galera cluster: " + why);
        });
        long t0 = System.nanoTime();
        GaleraCluster cluster;
        try {
            Path root = Files.createTempDirectory(
                    Path.of(System.getProperty("java.io.tmpdir")),
                    "quiesce-galera-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
            cluster = new GaleraCluster(root);
            for (int i = 1; i <= size; i++) {
                cluster.nodes.add(new Node(
                        cluster,
                        i,
                        root.resolve("node" + i),
                        Loopback.freePort(),
                        Loopback.freePort(),
                        Loopback.freePort(),
                        Loopback.freePort()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not prepare the Galera cluster's directories", e);
        }
        RUNNING.add(cluster);
        try {
            for (Node n : cluster.nodes) {
                n.prepare();
                n.start(n.index == 1);
                n.awaitSynced(size == 1 ? 1 : n.index, START_TIMEOUT);
            }
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
        LOG.info(
                "Started a {}-node Galera cluster ({}) in {} ms: {}",
                size,
                cluster.nodes.get(0).version(),
                (System.nanoTime() - t0) / 1_000_000,
                cluster.nodes);
        return cluster;
    }

    /** Node {@code i}, counting from 1 (node 1 bootstrapped the cluster). */
    public Node node(int i) {
        return nodes.get(i - 1);
    }

    public List<Node> nodes() {
        return List.copyOf(nodes);
    }

    /** Stops every node (the joiners first) and deletes the cluster's directories. */
    @Override
    public synchronized void close() {
        for (int i = nodes.size() - 1; i >= 0; i--) {
            nodes.get(i).stop();
        }
        RUNNING.remove(this);
        try {
            BinaryCache.deleteTree(root);
        } catch (IOException e) {
            LOG.warn("Could not delete {}: {}", root, e.toString());
        }
    }

    private String clusterAddress() {
        return "gcomm://" + nodes.stream().map(n -> "127.0.0.1:" + n.gcommPort).collect(Collectors.joining(","));
    }

    /** One node: a mariadbd process with its own data directory and ports. */
    public static final class Node {
        private final GaleraCluster cluster;
        private final int index;
        private final Path dir;
        private final int port;
        private final int gcommPort;
        private final int istPort;
        private final int sstPort;
        private Process process;

        private Node(GaleraCluster cluster, int index, Path dir, int port, int gcommPort, int istPort, int sstPort) {
            this.cluster = cluster;
            this.index = index;
            this.dir = dir;
            this.port = port;
            this.gcommPort = gcommPort;
            this.istPort = istPort;
            this.sstPort = sstPort;
        }

        private Path dataDir() {
            return dir.resolve("data");
        }

        /** Node 1: a fresh system schema; the others: an empty directory the rsync receiver may write to. */
        private void prepare() {
            try {
                Files.createDirectories(dir);
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
                if (index == 1) {
                    run(DebianMariaDbCommands.installDb(INSTALL_DB, dataDir(), user()), dir.resolve("install.log"));
                } else {
                    Files.createDirectories(dataDir());
                    if ("root".equals(user())) {
                        // The rsync daemon the SST script starts drops to nobody when run as root.
                        giveToNobody(dataDir());
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Could not prepare " + dir, e);
            }
        }

        private List<String> command(boolean bootstrap) {
            List<String> cmd = new ArrayList<>(DebianMariaDbCommands.server(MARIADBD, dir, dataDir(), port, user()));
            cmd.addAll(List.of(
                    "--log-slave-updates=ON",
                    "--innodb-autoinc-lock-mode=2",
                    "--wsrep-on=ON",
                    "--wsrep-provider=" + PROVIDER,
                    "--wsrep-cluster-name=quiesce-test",
                    "--wsrep-cluster-address=" + cluster.clusterAddress(),
                    "--wsrep-node-name=node" + index,
                    "--wsrep-node-address=127.0.0.1:" + gcommPort,
                    "--wsrep-node-incoming-address=127.0.0.1:" + port,
                    "--wsrep-sst-receive-address=127.0.0.1:" + sstPort,
                    "--wsrep-sst-method=rsync",
                    "--wsrep-provider-options=gmcast.listen_addr=tcp://127.0.0.1:" + gcommPort
                            + ";ist.recv_addr=127.0.0.1:" + istPort + ";gcache.size=64M",
                    // The same GTIDs on every node (domain 0, server id 1), as a restored node needs them.
                    "--wsrep-gtid-mode=ON",
                    "--wsrep-gtid-domain-id=0",
                    "--gtid-domain-id=" + (10 + index)));
            if (bootstrap) {
                cmd.add("--wsrep-new-cluster");
            }
            return cmd;
        }

        private synchronized void start(boolean bootstrap) {
            List<String> cmd = command(bootstrap);
            try {
                process = new ProcessBuilder(cmd)
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(
                                dir.resolve("stdout.log").toFile()))
                        .start();
            } catch (IOException e) {
                throw new UncheckedIOException("Could not start " + String.join(" ", cmd), e);
            }
        }

        /** Waits until the node accepts connections, is Synced, and sees at least {@code clusterSize} nodes. */
        private void awaitSynced(int clusterSize, Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            String last = "no connection yet";
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("Galera node " + index + " exited with code " + process.exitValue()
                            + " during start. Error log:\n" + LogTail.of(dir.resolve("error.log"))
                            + LogTail.of(dir.resolve("stdout.log")));
                }
                try {
                    Map<String, String> s = status();
                    last = s.toString();
                    if ("Synced".equals(s.get("wsrep_local_state_comment"))
                            && "Primary".equals(s.get("wsrep_cluster_status"))
                            && Integer.parseInt(s.getOrDefault("wsrep_cluster_size", "0")) >= clusterSize) {
                        return;
                    }
                } catch (SQLException e) {
                    last = e.getMessage();
                }
                sleep(100);
            }
            throw new IllegalStateException("Galera node " + index + " was not Synced within " + timeout + " (last: "
                    + last + "). Error log:\n" + LogTail.of(dir.resolve("error.log")));
        }

        /** Stops the node cleanly (SIGTERM), as a service manager would. */
        public synchronized void stop() {
            if (process == null) {
                return;
            }
            ServerProcesses.stop(process);
            process = null;
        }

        public int index() {
            return index;
        }

        public int port() {
            return port;
        }

        public String host() {
            return "127.0.0.1";
        }

        /** A Connector/J URL without credentials. */
        public String jdbcUrl() {
            return "jdbc:mysql://127.0.0.1:" + port + "/?sslMode=DISABLED&allowPublicKeyRetrieval=true&useSSL=false";
        }

        /** An unpooled DataSource for {@code root} (no password). */
        public DataSource dataSource() {
            MysqlDataSource ds = new MysqlDataSource();
            ds.setURL(jdbcUrl());
            ds.setUser("root");
            ds.setPassword("");
            return ds;
        }

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
                throw new IllegalStateException("Failed on Galera node " + index + ": " + e.getMessage(), e);
            }
        }

        /** The first column of the first row, as root. */
        public String scalar(String query) {
            try (Connection c = connect();
                    Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery(query)) {
                return rs.next() ? rs.getString(1) : null;
            } catch (SQLException e) {
                throw new IllegalStateException("Failed on Galera node " + index + ": " + e.getMessage(), e);
            }
        }

        /** {@code SHOW GLOBAL STATUS LIKE 'wsrep%'}, by name. */
        public Map<String, String> status() throws SQLException {
            Map<String, String> m = new HashMap<>();
            try (Connection c = DriverManager.getConnection(jdbcUrl() + "&connectTimeout=1000", "root", "");
                    Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SHOW GLOBAL STATUS LIKE 'wsrep%'")) {
                while (rs.next()) {
                    m.put(rs.getString(1).toLowerCase(java.util.Locale.ROOT), rs.getString(2));
                }
            }
            return m;
        }

        /** One status variable, e.g. {@code wsrep_local_state_comment}. */
        public String status(String name) {
            try {
                return status().get(name);
            } catch (SQLException e) {
                throw new IllegalStateException("Failed on Galera node " + index + ": " + e.getMessage(), e);
            }
        }

        /** {@code SELECT VERSION()}. */
        public String version() {
            return scalar("SELECT VERSION()");
        }

        public Path errorLog() {
            return dir.resolve("error.log");
        }

        @Override
        public String toString() {
            return "Galera node " + index + " at 127.0.0.1:" + port;
        }
    }

    private static String user() {
        return System.getProperty("user.name");
    }

    private static void giveToNobody(Path dir) throws IOException {
        UserPrincipalLookupService lookup = FileSystems.getDefault().getUserPrincipalLookupService();
        UserPrincipal nobody = lookup.lookupPrincipalByName("nobody");
        GroupPrincipal nogroup = lookup.lookupPrincipalByGroupName("nogroup");
        PosixFileAttributeView view = Files.getFileAttributeView(dir, PosixFileAttributeView.class);
        view.setOwner(nobody);
        view.setGroup(nogroup);
    }

    private static void run(List<String> cmd, Path log) {
        try {
            Process p = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", cmd) + " did not finish within 120 s");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(
                        String.join(" ", cmd) + " exited with " + p.exitValue() + ":\n" + LogTail.of(log));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not run " + String.join(" ", cmd), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a Galera node", e);
        }
    }
}
