package io.github.quiesce.spi.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.quiesce.LongQuery;
import java.util.List;
import org.junit.jupiter.api.Test;

/** When the guard counts a statement it saw young as ended; the real-server side is YoungQueryStallIT's long write. */
class YoungStatementsTest {

    private static RunningStatements.Running running(String id, long millis, String key) {
        return new RunningStatements.Running(new LongQuery(id, "app", millis, "UPDATE t SET v = 1"), key);
    }

    @Test
    void theSameStatementStillRunningIsWatchedUntilItsConnectionRunsAnotherOrNone() {
        YoungStatements watched = new YoungStatements(List.of(running("7", 3, "100"), running("8", 1, "200")));

        watched.dropEnded(List.of(running("7", 9, "100"), running("8", 2, "201")));
        assertThat(watched.isEmpty()).as("7 still runs statement 100").isFalse();

        watched.dropEnded(List.of());
        assertThat(watched.isEmpty()).as("7 runs nothing any more").isTrue();
    }

    @Test
    void withoutKeysAConnectionStaysWatchedWhileItRunsAnything() {
        YoungStatements watched = new YoungStatements(List.of(running("7", 0, null)));

        watched.dropEnded(List.of(running("7", 0, null)));
        assertThat(watched.isEmpty())
                .as("whole-second ages cannot tell two statements apart")
                .isFalse();

        watched.dropEnded(List.of(running("9", 0, null)));
        assertThat(watched.isEmpty()).isTrue();
    }
}
