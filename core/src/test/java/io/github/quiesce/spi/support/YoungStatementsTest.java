package io.github.quiesce.spi.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.quiesce.LongQuery;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** When the guard counts a statement it saw young as ended; the real-server side is YoungQueryStallIT's long write. */
class YoungStatementsTest {

    private static RunningStatements.Running running(String id, long millis, String key) {
        return new RunningStatements.Running(new LongQuery(id, "app", millis, "UPDATE t SET v = 1"), key);
    }

    @Test
    void theSameStatementStillRunningIsWatchedUntilItsConnectionRunsAnotherOrNone() {
        YoungStatements watched =
                new YoungStatements(List.of(running("7", 3, "100"), running("8", 1, "200")), Duration.ofSeconds(5));

        watched.dropEnded(List.of(running("7", 9, "100"), running("8", 2, "201")));
        assertThat(watched.settled()).as("7 still runs statement 100").isFalse();

        watched.dropEnded(List.of());
        assertThat(watched.settled()).as("7 runs nothing any more").isTrue();
    }

    @Test
    void withoutKeysAConnectionStaysWatchedWhileItRunsAnything() {
        YoungStatements watched = new YoungStatements(List.of(running("7", 0, null)), Duration.ofSeconds(5));

        watched.dropEnded(List.of(running("7", 0, null)));
        assertThat(watched.settled())
                .as("whole-second ages cannot tell two statements apart")
                .isFalse();

        watched.dropEnded(List.of(running("9", 0, null)));
        assertThat(watched.settled()).isTrue();
    }

    @Test
    void theWatchEndsAfterItsPeriodWithStatementsStillRunningAndPausesGrowTo5Ms() throws InterruptedException {
        YoungStatements watched = new YoungStatements(List.of(running("7", 3, "100")), Duration.ofMillis(200));

        assertThat(List.of(
                        watched.nextPauseMillis(),
                        watched.nextPauseMillis(),
                        watched.nextPauseMillis(),
                        watched.nextPauseMillis(),
                        watched.nextPauseMillis()))
                .containsExactly(1L, 2L, 4L, 5L, 5L);
        assertThat(watched.settled()).isFalse();

        Thread.sleep(250);
        assertThat(watched.settled())
                .as("a statement still running after the period has run the threshold: the next look sees it long")
                .isTrue();
        assertThat(watched.nextPauseMillis())
                .as("never a pause past the watch's end, nor none")
                .isEqualTo(1L);
    }

    @Test
    void nothingSeenYoungNeedsNoWatch() {
        assertThat(new YoungStatements(List.of(), Duration.ofSeconds(5)).settled())
                .isTrue();
    }
}
