package io.github.quiesce.testkit;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The command lines that initialise and start each server family. */
final class ServerCommands {

    private ServerCommands() {
    }

    private static boolean runningAsRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    static void initialize(ServerDistribution d, Path base, Path dataDir, Path log) throws IOException {
        List<String> cmd = new ArrayList<>();
        if (d.isMariaDb()) {
            cmd.add(base.resolve("scripts/mariadb-install-db").toString());
            cmd.addAll(List.of("--no-defaults", "--basedir=" + base, "--datadir=" + dataDir,
                    "--auth-root-authentication-method=normal", "--skip-test-db"));
        } else {
            cmd.add(base.resolve("bin/mysqld").toString());
            cmd.addAll(List.of("--no-defaults", "--initialize-insecure", "--basedir=" + base, "--datadir=" + dataDir,
                    "--log-error=" + log));
        }
        if (runningAsRoot()) {
            cmd.add("--user=root");
        }
        BinaryCache.run(new ProcessBuilder(cmd));
    }

    static List<String> start(ServerDistribution d, Path base, Path dataDir, Path runDir, int port, ServerConfig config) {
        List<String> cmd = new ArrayList<>();
        cmd.add(base.resolve(d.isMariaDb() ? "bin/mariadbd" : "bin/mysqld").toString());
        cmd.addAll(List.of("--no-defaults",
                "--basedir=" + base,
                "--datadir=" + dataDir,
                "--port=" + port,
                "--bind-address=127.0.0.1",
                "--socket=" + runDir.resolve("server.sock"),
                "--pid-file=" + runDir.resolve("server.pid"),
                "--log-error=" + runDir.resolve("error.log"),
                "--tmpdir=" + runDir,
                "--server-id=" + config.serverId(),
                "--innodb-buffer-pool-size=64M",
                "--max-connections=300"));
        if (!d.isMariaDb()) {
            cmd.add("--mysqlx=OFF");
            // One event per row change, so tests can reason about the binlog event by event.
            cmd.add("--binlog-format=ROW");
        }
        if (config.binaryLog()) {
            cmd.add("--log-bin=binlog");
            if (!d.isMariaDb()) {
                cmd.add("--log-slave-updates=ON");
                if (config.gtid()) {
                    cmd.add("--gtid-mode=ON");
                    cmd.add("--enforce-gtid-consistency=ON");
                }
            } else {
                cmd.add("--log-slave-updates=ON");
            }
        } else if (!d.isMariaDb()) {
            // MySQL 8 turns the binary log on by default.
            cmd.add("--skip-log-bin");
        }
        if (runningAsRoot()) {
            cmd.add("--user=root");
        }
        cmd.addAll(config.extraArgs());
        return cmd;
    }
}
