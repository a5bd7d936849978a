package io.github.quiesce.cli;

import io.github.quiesce.BackupEvent;
import io.github.quiesce.BackupListener;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Shows the {@link StatusLine} on stderr while the CLI waits for the lock and while --exec runs under
 * it. On a terminal the line is redrawn in place every {@link #TICK}; anywhere else (a file, cron's
 * mail) it is printed once per change, so that nothing fills up with carriage returns.
 *
 * <p>Events arrive on the session's threads, ticks on the printer's own: every call is serialised here.
 */
final class StatusPrinter implements BackupListener, AutoCloseable {

    static final Duration TICK = Duration.ofMillis(250);

    private final StatusLine line;
    private final StatusOutput output;
    private final boolean live;
    private ScheduledExecutorService ticker;

    /** @param live whether {@link #tick()} redraws: true only where the output can replace a line */
    StatusPrinter(StatusLine line, StatusOutput output, boolean live) {
        this.line = line;
        this.output = output;
        this.live = live;
    }

    /** Redrawn in place every {@link #TICK} until closed. */
    static StatusPrinter onTerminal(LiveStderr terminal) {
        StatusPrinter printer = new StatusPrinter(new StatusLine(System::nanoTime), terminal, true);
        printer.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "quiesce-cli-status");
            t.setDaemon(true);
            return t;
        });
        printer.ticker.scheduleAtFixedRate(printer::tick, TICK.toMillis(), TICK.toMillis(), TimeUnit.MILLISECONDS);
        return printer;
    }

    /** One line on each change. */
    static StatusPrinter onChanges(PrintStream err) {
        return new StatusPrinter(new StatusLine(System::nanoTime), StatusOutput.lines(err), false);
    }

    @Override
    public synchronized void onEvent(BackupEvent event) {
        if (line.onEvent(event)) {
            show();
        }
    }

    /** The CLI starts --exec under the lock. */
    synchronized void commandStarted() {
        if (line.commandStarted()) {
            show();
        }
    }

    /** Redraws the line with its clock moved on, on a terminal while something is waited for. */
    synchronized void tick() {
        if (live && line.ticking()) {
            show();
        }
    }

    private void show() {
        String text = line.render();
        if (text == null) {
            output.clear();
        } else {
            output.show(text);
        }
        if (line.finished()) {
            output.end();
        }
    }

    /** Stops ticking; a line still shown stays, as the context of whatever is printed next. */
    @Override
    public void close() {
        if (ticker != null) {
            ticker.shutdownNow();
        }
        synchronized (this) {
            output.end();
        }
    }
}
