package io.github.quiesce.cli;

import java.io.PrintStream;

/** Where the status line goes. */
interface StatusOutput {

    /** Shows the line, in place of the one shown before where the output allows it. */
    void show(String line);

    /** Takes the shown line away, where the output allows it. */
    void clear();

    /** The line shown is the last: leave it, and let what follows start below it. */
    void end();

    /** One line per call, for files and pipes: nothing written there can be taken back. */
    static StatusOutput lines(PrintStream err) {
        return new StatusOutput() {
            @Override
            public void show(String line) {
                err.println(line);
            }

            @Override
            public void clear() {}

            @Override
            public void end() {}
        };
    }
}
