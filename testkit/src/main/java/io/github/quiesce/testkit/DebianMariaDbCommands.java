package io.github.quiesce.testkit;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command lines that run Debian's own MariaDB (package {@code mariadb-server}, 10.11 on Debian 12)
 * beside the embedded servers: a data directory from {@code mariadb-install-db}, and {@code mariadbd} on a
 * loopback port with its socket, pid file, error log and temporary files in one directory, reading no
 * option file ({@code --no-defaults}) and never as the system service. {@link GaleraCluster}'s nodes and
 * the benchmark's Debian target start it so.
 */
public final class DebianMariaDbCommands {

    public static final Path MARIADBD = Path.of("/usr/sbin/mariadbd");
    public static final Path INSTALL_DB = Path.of("/usr/bin/mariadb-install-db");

    private DebianMariaDbCommands() {}

    /** A fresh system schema in {@code dataDir}, root with a password login and no test database. */
    public static List<String> installDb(Path installDb, Path dataDir, String user) {
        return List.of(
                installDb.toString(),
                "--no-defaults",
                "--datadir=" + dataDir,
                "--user=" + user,
                "--auth-root-authentication-method=normal",
                "--skip-test-db");
    }

    /**
     * The server on 127.0.0.1:{@code port}, files in {@code dir}, with a row-based binary log, server id
     * 1, and the embedded servers' pool size and connection limit so that the targets compare.
     */
    public static List<String> server(Path mariadbd, Path dir, Path dataDir, int port, String user) {
        List<String> cmd = new ArrayList<>(List.of(mariadbd.toString(), "--no-defaults", "--datadir=" + dataDir));
        cmd.addAll(ServerCommands.onLoopbackIn(dir, port));
        cmd.addAll(List.of(
                "--user=" + user,
                "--server-id=1",
                "--log-bin=binlog",
                "--binlog-format=ROW",
                "--innodb-buffer-pool-size=64M",
                "--max-connections=300"));
        return List.copyOf(cmd);
    }
}
