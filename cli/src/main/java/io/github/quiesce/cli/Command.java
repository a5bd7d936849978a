package io.github.quiesce.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/** The --exec command, run with {@code sh -c} while the point is held. */
final class Command {

    private Command() {}

    /**
     * Runs the command to its end. Its stdout is copied to our stderr, since stdout is kept for the --json
     * line. On a terminal its stderr is copied through ours too, so that the status line is erased before
     * the command's output instead of being written into it; elsewhere the command writes there itself.
     *
     * @param running holds the process while it runs, for the signal handler to stop it
     * @return its exit code, or {@link QuiesceCli#FAILED} when interrupted
     */
    static int run(String command, AtomicReference<Process> running, Streams io) throws IOException {
        Process p = new ProcessBuilder(List.of("sh", "-c", command))
                .redirectInput(ProcessBuilder.Redirect.INHERIT)
                .redirectError(io.live() ? ProcessBuilder.Redirect.PIPE : ProcessBuilder.Redirect.INHERIT)
                .start();
        running.set(p);
        List<Thread> copies = new ArrayList<>();
        copies.add(copy(p.getInputStream(), io.err(), "quiesce-cli-exec-output"));
        if (io.live()) {
            copies.add(copy(p.getErrorStream(), io.err(), "quiesce-cli-exec-errors"));
        }
        try {
            int code = p.waitFor();
            for (Thread copy : copies) {
                copy.join(1_000);
            }
            io.err().flush();
            return code;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroy();
            return QuiesceCli.FAILED;
        } finally {
            running.set(null);
        }
    }

    private static Thread copy(InputStream from, PrintStream to, String name) {
        Thread t = new Thread(
                () -> {
                    try {
                        from.transferTo(to);
                    } catch (IOException ignored) {
                        // The command is gone; nothing more to copy.
                    }
                },
                name);
        t.setDaemon(true);
        t.start();
        return t;
    }
}
