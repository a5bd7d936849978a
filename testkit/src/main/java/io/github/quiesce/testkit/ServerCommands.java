package io.github.quiesce.testkit;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The command lines that initialise and start each server family. */
final class ServerCommands {

    private ServerCommands() {}

    private static boolean runningAsRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /**
     * Initialises an empty data directory. On failure the exception carries the exit code, the command
     * and the last lines of the initialiser's log and output: MySQL writes why it gave up only to its
     * {@code --log-error} file, so without them a failure said nothing.
     */
    static void initialize(ServerDistribution d, Path base, Path dataDir, Path log) throws IOException {
        List<String> cmd = new ArrayList<>();
        if (d.isMariaDb()) {
            cmd.add(base.resolve(d.installProgram()).toString());
            cmd.addAll(List.of(
                    "--no-defaults",
                    "--basedir=" + base,
                    "--datadir=" + dataDir,
                    "--auth-root-authentication-method=normal"));
            cmd.add(d.installerSkipsTestDb() ? "--skip-test-db" : "--skip-auth-anonymous-user");
        } else {
            cmd.add(base.resolve(d.serverProgram()).toString());
            cmd.addAll(List.of(
                    "--no-defaults",
                    "--initialize-insecure",
                    "--basedir=" + base,
                    "--datadir=" + dataDir,
                    "--log-error=" + log));
            if (d.needsExplicitDefaultsForTimestamp()) {
                cmd.add("--explicit-defaults-for-timestamp");
            }
        }
        if (runningAsRoot()) {
            cmd.add("--user=root");
        }
        BinaryCache.run(
                new ProcessBuilder(cmd), "Initialising a " + d.displayName() + " data directory in " + dataDir, log);
    }

    /** Listens on 127.0.0.1:{@code port} only, and keeps its socket, pid file, error log and temporary files in {@code runDir}. */
    static List<String> onLoopbackIn(Path runDir, int port) {
        return List.of(
                "--port=" + port,
                "--bind-address=127.0.0.1",
                "--socket=" + runDir.resolve("server.sock"),
                "--pid-file=" + runDir.resolve("server.pid"),
                "--log-error=" + runDir.resolve("error.log"),
                "--tmpdir=" + runDir);
    }

    static List<String> start(
            ServerDistribution d, Path base, Path dataDir, Path runDir, int port, ServerConfig config) {
        List<String> cmd = new ArrayList<>();
        cmd.add(base.resolve(d.serverProgram()).toString());
        cmd.addAll(List.of("--no-defaults", "--basedir=" + base, "--datadir=" + dataDir));
        cmd.addAll(onLoopbackIn(runDir, port));
        cmd.addAll(
                List.of("--server-id=" + config.serverId(), "--innodb-buffer-pool-size=64M", "--max-connections=300"));
        if (d.hasMysqlx()) {
            cmd.add("--mysqlx=OFF");
        }
        if (d.needsExplicitDefaultsForTimestamp()) {
            cmd.add("--explicit-defaults-for-timestamp");
        }
        if (d.metadataLockInstrumentOffByDefault()) {
            // Without it performance_schema.metadata_locks is empty on 5.7, and a test asking it for a
            // lock left behind would pass whatever was left.
            cmd.add("--performance-schema-instrument=wait/lock/metadata/sql/mdl=ON");
        }
        if (!d.isMariaDb()) {
            // One event per row change, so tests can reason about the binlog event by event.
            cmd.add("--binlog-format=ROW");
        }
        if (config.binaryLog()) {
            cmd.add("--log-bin=binlog");
            cmd.add("--log-slave-updates=ON");
            if (!d.isMariaDb() && config.gtid()) {
                cmd.add("--gtid-mode=ON");
                cmd.add("--enforce-gtid-consistency=ON");
            }
        } else if (d.binaryLogOnByDefault()) {
            cmd.add("--skip-log-bin");
        }
        if (runningAsRoot()) {
            cmd.add("--user=root");
        }
        cmd.addAll(config.extraArgs());
        return cmd;
    }
}
