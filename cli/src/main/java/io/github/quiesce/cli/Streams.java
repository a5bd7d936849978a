package io.github.quiesce.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;

/**
 * Where the CLI writes: stdout only for the --json line, stderr for everything else, with the status
 * line drawn live there when stderr is a terminal.
 *
 * @param terminal stderr as a live terminal, or null when it is a file or a pipe
 */
record Streams(PrintStream out, PrintStream err, LiveStderr terminal) {

    /** The process's own streams. */
    static Streams system() {
        if (!LiveStderr.stderrIsTerminal()) {
            return new Streams(System.out, System.err, null);
        }
        Charset charset = Charset.defaultCharset();
        LiveStderr terminal =
                new LiveStderr(new FileOutputStream(FileDescriptor.err), LiveStderr.terminalWidth(), charset);
        PrintStream err = new PrintStream(terminal, true, charset);
        // Log lines go through it too (slf4j-simple looks System.err up for each line), erasing the status first.
        System.setErr(err);
        return new Streams(System.out, err, terminal);
    }

    /** Streams a test reads: never live. */
    static Streams plain(PrintStream out, PrintStream err) {
        return new Streams(out, err, null);
    }

    boolean live() {
        return terminal != null;
    }

    StatusPrinter statusPrinter() {
        return live() ? StatusPrinter.onTerminal(terminal) : StatusPrinter.onChanges(err);
    }
}
