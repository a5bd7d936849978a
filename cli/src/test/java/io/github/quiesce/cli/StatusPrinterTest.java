package io.github.quiesce.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.quiesce.BackupEvent;
import io.github.quiesce.LongQuery;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The status line as it reaches stderr: once per change in a file, redrawn in place on a terminal. */
class StatusPrinterTest {

    private final AtomicLong nanos = new AtomicLong();
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    private void advance(long millis) {
        nanos.addAndGet(Duration.ofMillis(millis).toNanos());
    }

    private String written() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** A session that waits 1.0 s behind a long query, holds 0.5 s while the command runs, and releases. */
    private void session(StatusPrinter p) {
        p.onEvent(new BackupEvent.Probed(null, Duration.ofMillis(5)));
        p.onEvent(new BackupEvent.LockRequested("ftwrl"));
        p.tick();
        advance(250);
        p.onEvent(new BackupEvent.WaitingForLongQueries(
                "FTWRL", List.of(new LongQuery("42", "app", 3400, "SELECT SLEEP(5)")), Duration.ofSeconds(30)));
        p.tick();
        advance(750);
        p.tick();
        p.onEvent(new BackupEvent.WaitedForLongQueries("FTWRL", Duration.ofMillis(750), true));
        p.onEvent(new BackupEvent.LockAcquired("ftwrl", Duration.ofMillis(1000)));
        p.commandStarted();
        advance(250);
        p.tick();
        advance(250);
        p.tick();
        p.onEvent(new BackupEvent.LockReleased("ftwrl", Duration.ofMillis(500), "close"));
        p.onEvent(new BackupEvent.StateRestored(List.of("UNLOCK TABLES"), List.of()));
        advance(250);
        p.tick();
        p.close();
    }

    @Test
    void notOnATerminalPrintsOneLinePerChangeAndIgnoresTicks() {
        StatusPrinter p = new StatusPrinter(
                new StatusLine(nanos::get),
                StatusOutput.lines(new PrintStream(bytes, true, StandardCharsets.UTF_8)),
                false);
        session(p);
        assertThat(written())
                .doesNotContain("\r")
                .isEqualTo(String.join(
                        "\n",
                        "quiesce: waiting 0.0 s for the lock 'ftwrl'",
                        "quiesce: waiting 0.3 s for the lock 'ftwrl' (long query id 42 by app for 3400 ms: SELECT SLEEP(5))",
                        "quiesce: waiting 1.0 s for the lock 'ftwrl'",
                        "quiesce: lock 'ftwrl' held 0.0 s (waited 1.0 s)",
                        "quiesce: lock 'ftwrl' held 0.0 s, running --exec",
                        "quiesce: lock 'ftwrl' released after 0.5 s held",
                        ""));
    }

    @Test
    void onATerminalRedrawsInPlaceOnEveryTickAndEndsWithTheRelease() {
        LiveStderr terminal = new LiveStderr(bytes, 200, StandardCharsets.UTF_8);
        session(new StatusPrinter(new StatusLine(nanos::get), terminal, true));
        String w = written();
        assertThat(w).startsWith("\rquiesce: waiting 0.0 s for the lock 'ftwrl'");
        assertThat(w.split("\r", -1))
                .as("every change and every tick while waiting or held, nothing after the release")
                .hasSize(1 + 11);
        assertThat(w)
                .contains(
                        "\rquiesce: waiting 1.0 s for the lock 'ftwrl' (long query id 42 by app for 3400 ms: SELECT SLEEP(5))",
                        "\rquiesce: lock 'ftwrl' held 0.5 s, running --exec");
        assertThat(w).endsWith("\rquiesce: lock 'ftwrl' released after 0.5 s held" + " " + "\n");
        assertThat(w.indexOf('\n')).as("one line on screen until the end").isEqualTo(w.length() - 1);
    }

    @Test
    void closingWhileWaitingLeavesTheLineForTheErrorThatFollows() {
        LiveStderr terminal = new LiveStderr(bytes, 200, StandardCharsets.UTF_8);
        StatusPrinter p = new StatusPrinter(new StatusLine(nanos::get), terminal, true);
        p.onEvent(new BackupEvent.LockRequested("ftwrl"));
        advance(30_000);
        p.tick();
        p.close();
        assertThat(written()).endsWith("\rquiesce: waiting 30.0 s for the lock 'ftwrl'\n");
    }
}
