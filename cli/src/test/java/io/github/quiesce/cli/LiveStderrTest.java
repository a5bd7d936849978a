package io.github.quiesce.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The status line and other output sharing one terminal without garbling each other. */
class LiveStderrTest {

    private final ByteArrayOutputStream screen = new ByteArrayOutputStream();
    private final LiveStderr terminal = new LiveStderr(screen, 40, StandardCharsets.UTF_8);
    private final PrintStream others = new PrintStream(terminal, true, StandardCharsets.UTF_8);

    private String written() {
        return screen.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aShorterLineCoversTheLongerOneBeforeIt() {
        terminal.show("quiesce: waiting 10.0 s");
        terminal.show("quiesce: held 1.0 s");
        assertThat(written()).isEqualTo("\rquiesce: waiting 10.0 s" + "\rquiesce: held 1.0 s" + " ".repeat(4));
    }

    @Test
    void aLineWiderThanTheTerminalIsCutSoThatItNeverWraps() {
        terminal.show("quiesce: waiting 1.0 s for the lock 'ftwrl' (long query id 42 ...)");
        assertThat(written()).isEqualTo("\rquiesce: waiting 1.0 s for the lock ...");
        assertThat(written().length() - 1).isEqualTo(39);
    }

    @Test
    void otherOutputErasesTheStatusFirstAndTheNextDrawComesBelowIt() {
        terminal.show("quiesce: held 1.0 s");
        others.println("snapshot-taken");
        terminal.show("quiesce: held 1.2 s");
        assertThat(written())
                .isEqualTo("\rquiesce: held 1.0 s" + "\r" + " ".repeat(19) + "\r" + "snapshot-taken\n"
                        + "\rquiesce: held 1.2 s");
    }

    @Test
    void theStatusWaitsWhileSomeoneElsesLineIsHalfWritten() {
        others.print("copying 10%");
        others.flush();
        terminal.show("quiesce: held 1.0 s");
        assertThat(written()).isEqualTo("copying 10%");
        others.print(" 100%\n");
        terminal.show("quiesce: held 1.2 s");
        assertThat(written()).isEqualTo("copying 10% 100%\n\rquiesce: held 1.2 s");
    }

    @Test
    void endKeepsTheLastLineAndClearTakesItAway() {
        terminal.show("quiesce: released");
        terminal.end();
        terminal.end();
        terminal.show("quiesce: waiting 0.0 s");
        terminal.clear();
        terminal.clear();
        assertThat(written())
                .isEqualTo("\rquiesce: released\n" + "\rquiesce: waiting 0.0 s" + "\r" + " ".repeat(22) + "\r");
    }
}
