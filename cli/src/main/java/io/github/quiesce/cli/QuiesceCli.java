package io.github.quiesce.cli;

import io.github.quiesce.BackupException;
import io.github.quiesce.BackupSession;
import io.github.quiesce.BinlogCoordinates;
import io.github.quiesce.cli.CliOptions.Option;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;

/**
 * Snapshot-while-locked, like MySQL Enterprise Backup's {@code --exec-when-locked}: open a session, run a
 * command while the consistent point is held (an LVM/ZFS/EBS snapshot), release, and write the
 * coordinates. The exit code is the command's; any failure of quiesce itself exits 3, bad usage 2.
 * SIGINT/SIGTERM release the lock and restore the server before the process exits. While it waits for
 * the lock and while the command runs, stderr says so (see {@link StatusPrinter}).
 */
public final class QuiesceCli {

    static final int USAGE = 2;
    static final int FAILED = 3;

    private QuiesceCli() {}

    /**
     * Runs the CLI and exits with its code.
     *
     * @param args the options; {@code --help} lists them
     */
    public static void main(String[] args) {
        System.exit(run(args, Streams.system()));
    }

    static int run(String[] args, Streams io) {
        PrintStream err = io.err();
        CliOptions opts;
        try {
            opts = CliOptions.parse(args);
            if (opts.has(Option.HELP)) {
                io.out().print(CliOptions.help());
                return 0;
            }
            opts.check();
        } catch (IllegalArgumentException e) {
            err.println("quiesce-cli: " + e.getMessage() + " (see --help)");
            return USAGE;
        }
        AtomicReference<BackupSession> held = new AtomicReference<>();
        AtomicReference<Process> command = new AtomicReference<>();
        Thread onSignal = new Thread(() -> releaseOnSignal(held, command, err), "quiesce-cli-signal");
        Runtime.getRuntime().addShutdownHook(onSignal);
        try {
            return session(opts, held, command, io);
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

    private static int session(
            CliOptions opts, AtomicReference<BackupSession> held, AtomicReference<Process> command, Streams io)
            throws IOException {
        DataSource dataSource = opts.dataSource();
        int exit = 0;
        BinlogCoordinates c;
        String strategy;
        try (StatusPrinter status = io.statusPrinter()) {
            BackupSession s = BackupSession.open(
                    dataSource, opts.backupOptions().listener(status).build());
            held.set(s);
            try {
                c = s.coordinates();
                strategy = s.strategy();
                if (opts.has(Option.EXEC)) {
                    status.commandStarted();
                    exit = Command.run(opts.get(Option.EXEC), command, io);
                }
            } finally {
                held.set(null);
                s.close();
            }
        }
        if (exit != 0) {
            io.err()
                    .println("quiesce-cli: the command exited with " + exit
                            + "; the lock was released and nothing was written");
            return exit;
        }
        String json = json(strategy, c);
        if (opts.has(Option.META_DIR)) {
            MetaFiles.write(Path.of(opts.get(Option.META_DIR)), json, c);
        }
        if (opts.has(Option.JSON)) {
            io.out().println(json);
        }
        return 0;
    }

    /** SIGINT/SIGTERM while held: stop the command, release the lock, restore what was changed. */
    private static void releaseOnSignal(
            AtomicReference<BackupSession> held, AtomicReference<Process> command, PrintStream err) {
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
}
