package io.github.quiesce.examples;

import io.github.quiesce.BackupException;
import io.github.quiesce.BackupOptions;
import io.github.quiesce.BackupSession;
import io.github.quiesce.BinlogCoordinates;
import io.github.quiesce.ReplicaSource;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;

/**
 * Snapshot-while-locked, like MySQL Enterprise Backup's {@code --exec-when-locked}: open a session, run a
 * command while the consistent point is held (an LVM/ZFS/EBS snapshot), release, and write the
 * coordinates. The exit code is the command's; any failure of quiesce itself exits 3, bad usage 2.
 * SIGINT/SIGTERM release the lock and restore the server before the process exits.
 */
public final class Cli {

    /** Every option, its default and meaning: the --help text and the parser read the same list. */
    enum Option {
        URL("--url", null, "JDBC URL of the server, e.g. jdbc:mysql://db1:3306/ (required)"),
        USER("--user", null, "account to connect as (required)"),
        PASSWORD_ENV("--password-env", null, "name of the environment variable holding the password (never pass it as an argument)"),
        STRATEGY("--strategy", BackupOptions.AUTO, "auto, or a strategy name: mysql-instance-lock, mariadb-backup-stage, percona-backup-locks, ftwrl, read-only"),
        EXEC("--exec", null, "command run with sh -c while the point is held; its exit code becomes ours"),
        META_DIR("--meta-dir", null, "directory for quiesce_coordinates.json, xtrabackup_binlog_info and, on a replica, xtrabackup_slave_info"),
        LOCK_WAIT_TIMEOUT("--lock-wait-timeout", "60", "seconds a lock statement may wait for conflicting locks"),
        MAX_LOCK_HOLD("--max-lock-hold", "3600", "seconds after which the watchdog releases the lock, whatever the command does"),
        JSON("--json", null, "print the coordinates as one JSON line on stdout (flag)"),
        HELP("--help", null, "this text (flag)");

        final String flag;
        final String defaultValue;
        final String help;

        Option(String flag, String defaultValue, String help) {
            this.flag = flag;
            this.defaultValue = defaultValue;
            this.help = help;
        }

        boolean isFlag() {
            return this == JSON || this == HELP;
        }
    }

    static final int USAGE = 2;
    static final int FAILED = 3;

    private Cli() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        Map<Option, String> opts;
        try {
            opts = parse(args);
        } catch (IllegalArgumentException e) {
            err.println("quiesce-cli: " + e.getMessage() + " (see --help)");
            return USAGE;
        }
        if (opts.containsKey(Option.HELP)) {
            out.print(help());
            return 0;
        }
        AtomicReference<BackupSession> held = new AtomicReference<>();
        AtomicReference<Process> command = new AtomicReference<>();
        Thread onSignal = new Thread(() -> releaseOnSignal(held, command, err), "quiesce-cli-signal");
        Runtime.getRuntime().addShutdownHook(onSignal);
        try {
            return session(opts, held, command, out, err);
        } catch (BackupException e) {
            err.println("quiesce-cli: " + e.getMessage());
            return FAILED;
        } catch (IllegalArgumentException e) {
            err.println("quiesce-cli: " + e.getMessage() + " (see --help)");
            return USAGE;
        } catch (IOException e) {
            err.println("quiesce-cli: " + e.getMessage());
            return FAILED;
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(onSignal);
            } catch (IllegalStateException shuttingDown) {
                // The hook is running: it releases.
            }
        }
    }

    private static int session(Map<Option, String> opts, AtomicReference<BackupSession> held, AtomicReference<Process> command,
                               PrintStream out, PrintStream err) throws IOException {
        DataSource dataSource = dataSource(opts);
        BackupOptions options = BackupOptions.builder()
                .strategy(opts.getOrDefault(Option.STRATEGY, Option.STRATEGY.defaultValue))
                .lockWaitTimeout(Duration.ofSeconds(seconds(opts, Option.LOCK_WAIT_TIMEOUT)))
                .maxLockHold(Duration.ofSeconds(seconds(opts, Option.MAX_LOCK_HOLD)))
                .build();
        int exit = 0;
        BinlogCoordinates c;
        String strategy;
        BackupSession s = BackupSession.open(dataSource, options);
        held.set(s);
        try {
            c = s.coordinates();
            strategy = s.strategy();
            if (opts.containsKey(Option.EXEC)) {
                exit = exec(opts.get(Option.EXEC), command, err);
            }
        } finally {
            held.set(null);
            s.close();
        }
        if (exit != 0) {
            err.println("quiesce-cli: the command exited with " + exit + "; the lock was released and nothing was written");
            return exit;
        }
        String json = json(strategy, c);
        if (opts.containsKey(Option.META_DIR)) {
            writeMeta(Path.of(opts.get(Option.META_DIR)), json, c);
        }
        if (opts.containsKey(Option.JSON)) {
            out.println(json);
        }
        return 0;
    }

    /** Runs the command; its stdout is copied to our stderr, since stdout is kept for the --json line. */
    private static int exec(String cmd, AtomicReference<Process> command, PrintStream err) throws IOException {
        Process p = new ProcessBuilder(List.of("sh", "-c", cmd)).redirectInput(ProcessBuilder.Redirect.INHERIT)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        command.set(p);
        Thread copy = new Thread(() -> {
            try {
                p.getInputStream().transferTo(err);
            } catch (IOException ignored) {
                // The command is gone; nothing more to copy.
            }
        }, "quiesce-cli-exec-output");
        copy.setDaemon(true);
        copy.start();
        try {
            int code = p.waitFor();
            copy.join(1_000);
            err.flush();
            return code;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroy();
            return FAILED;
        } finally {
            command.set(null);
        }
    }

    /** SIGINT/SIGTERM while held: stop the command, release the lock, restore what was changed. */
    private static void releaseOnSignal(AtomicReference<BackupSession> held, AtomicReference<Process> command, PrintStream err) {
        Process p = command.get();
        if (p != null) {
            p.destroy();
        }
        BackupSession s = held.getAndSet(null);
        if (s != null) {
            try {
                s.close();
                err.println("quiesce-cli: interrupted; the lock was released and the server restored");
            } catch (BackupException e) {
                err.println("quiesce-cli: interrupted; releasing failed: " + e.getMessage());
            }
        }
    }

    static String json(String strategy, BinlogCoordinates c) {
        return Json.object(Json.coordinates(strategy, c));
    }

    private static void writeMeta(Path dir, String json, BinlogCoordinates c) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("quiesce_coordinates.json"), json + "\n", StandardCharsets.UTF_8);
        // XtraBackup's format, so existing restore scripts read it: file<TAB>position<TAB>gtid
        Files.writeString(dir.resolve("xtrabackup_binlog_info"), c.file() + "\t" + c.position() + (c.gtidSet().isEmpty() ? "" : "\t" + c.gtidSet()) + "\n",
                StandardCharsets.UTF_8);
        if (c.replicaSource().isPresent()) {
            ReplicaSource src = c.replicaSource().get();
            String text = src.changeSourceByGtidStatement().isEmpty() ? src.changeSourceStatement() : src.changeSourceByGtidStatement();
            Files.writeString(dir.resolve("xtrabackup_slave_info"), text + "\n", StandardCharsets.UTF_8);
        }
    }

    private static DataSource dataSource(Map<Option, String> opts) {
        return ExternalServer.dataSource(require(opts, Option.URL), require(opts, Option.USER), opts.get(Option.PASSWORD_ENV));
    }

    private static String require(Map<Option, String> opts, Option o) {
        String v = opts.get(o);
        if (v == null) {
            throw new IllegalArgumentException(o.flag + " is required");
        }
        return v;
    }

    private static long seconds(Map<Option, String> opts, Option o) {
        String v = opts.getOrDefault(o, o.defaultValue);
        if (!v.matches("\\d{1,9}") || Long.parseLong(v) == 0) {
            throw new IllegalArgumentException(o.flag + " takes whole seconds greater than 0, got '" + v + "'");
        }
        return Long.parseLong(v);
    }

    static Map<Option, String> parse(String[] args) {
        Map<Option, String> m = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            Option o = null;
            for (Option candidate : Option.values()) {
                if (candidate.flag.equals(a)) {
                    o = candidate;
                }
            }
            if (o == null) {
                throw new IllegalArgumentException("unknown option " + a);
            }
            if (o.isFlag()) {
                m.put(o, "true");
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(a + " needs a value");
            }
            m.put(o, args[++i]);
        }
        return m;
    }

    static String help() {
        StringBuilder b = new StringBuilder("usage: java -jar quiesce-examples-cli.jar --url URL --user USER [options]\n\n"
                + "Holds a consistent point on a MySQL-family server while --exec runs, then writes its coordinates.\n\n");
        for (Option o : Option.values()) {
            b.append(String.format("  %-22s %s%s%n", o.flag + (o.isFlag() ? "" : " V"), o.help,
                    o.defaultValue == null ? "" : " (default: " + o.defaultValue + ")"));
        }
        b.append("\nExit code: the command's; 2 for bad usage; 3 when quiesce could not take or release the point.\n");
        return b.toString();
    }
}
