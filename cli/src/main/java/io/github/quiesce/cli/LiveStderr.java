package io.github.quiesce.cli;

import java.io.ByteArrayOutputStream;
import java.io.Console;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.Charset;
import java.util.concurrent.TimeUnit;

/**
 * Standard error on a terminal, shared by the status line and everything else written there: the
 * command's output, log lines, the CLI's messages. The status line is erased before any other output
 * and drawn again by the next tick, so neither garbles the other; it is not drawn after half a line of
 * someone else's, which it would overwrite.
 */
final class LiveStderr extends OutputStream implements StatusOutput {

    private static final int DEFAULT_WIDTH = 80;

    private final OutputStream terminal;
    private final int width;
    private final Charset charset;
    /** Characters of the status line on screen, 0 when none is. */
    private int shown;

    private boolean atLineStart = true;

    /**
     * @param terminal the real standard error
     * @param width    the terminal's columns: a longer line would wrap, and a carriage return would then
     *                 redraw only its last row, leaving the others behind on every tick
     */
    LiveStderr(OutputStream terminal, int width, Charset charset) {
        this.terminal = terminal;
        this.width = width;
        this.charset = charset;
    }

    /**
     * Whether stderr is a terminal, as near as Java tells: {@link System#console()} answers for stdin and
     * stdout, and from JDK 22 returns a console even when they are redirected, so ask its
     * {@code isTerminal()} where there is one.
     */
    static boolean stderrIsTerminal() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (NoSuchMethodException beforeJdk22) {
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }

    /** $COLUMNS when the shell exported it, else what stty says, else 80. */
    static int terminalWidth() {
        Integer columns = columns(System.getenv("COLUMNS"));
        if (columns != null) {
            return columns;
        }
        try {
            Process stty = new ProcessBuilder("stty", "size")
                    .redirectInput(new File("/dev/tty"))
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            try (InputStream in = stty.getInputStream()) {
                in.transferTo(answer);
            }
            if (stty.waitFor(1, TimeUnit.SECONDS) && stty.exitValue() == 0) {
                String[] rowsColumns =
                        answer.toString(Charset.defaultCharset()).strip().split("\\s+");
                columns = rowsColumns.length == 2 ? columns(rowsColumns[1]) : null;
            }
        } catch (IOException e) {
            // No stty here: the default will do.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return columns == null ? DEFAULT_WIDTH : columns;
    }

    private static Integer columns(String s) {
        return s != null && s.matches("\\d{2,4}") ? Integer.valueOf(s) : null;
    }

    @Override
    public synchronized void show(String line) {
        if (!atLineStart) {
            return;
        }
        String fitted = fit(line, width - 1);
        // Spaces cover what a longer previous line left to the right.
        put("\r" + fitted + " ".repeat(Math.max(0, shown - fitted.length())));
        shown = fitted.length();
    }

    @Override
    public synchronized void clear() {
        if (shown > 0) {
            put("\r" + " ".repeat(shown) + "\r");
            shown = 0;
        }
    }

    @Override
    public synchronized void end() {
        if (shown > 0) {
            put("\n");
            shown = 0;
        }
    }

    @Override
    public synchronized void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return;
        }
        clear();
        terminal.write(b, off, len);
        atLineStart = b[off + len - 1] == '\n';
    }

    @Override
    public synchronized void flush() throws IOException {
        terminal.flush();
    }

    static String fit(String line, int max) {
        return line.length() <= max ? line : line.substring(0, Math.max(0, max - 3)) + "...";
    }

    private void put(String s) {
        try {
            terminal.write(s.getBytes(charset));
            terminal.flush();
        } catch (IOException e) {
            // stderr is gone; the status line was only ever a courtesy.
        }
    }
}
