package io.github.quiesce.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.quiesce.BackupEvent;
import io.github.quiesce.BinlogCoordinates;
import io.github.quiesce.LongQuery;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class StatusLineTest {

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final StatusLine line = new StatusLine(nanos::get);

    private void advance(long millis) {
        nanos.addAndGet(Duration.ofMillis(millis).toNanos());
    }

    static final LongQuery REPORT =
            new LongQuery("42", "app", 3400, "SELECT * FROM orders\n  JOIN lines USING (order_id)\tWHERE total > 100");

    @Test
    void saysNothingBeforeTheLockIsRequested() {
        assertThat(line.onEvent(new BackupEvent.StrategyChosen("ftwrl", "auto: ...")))
                .isFalse();
        assertThat(line.render()).isNull();
        assertThat(line.ticking()).isFalse();
    }

    @Test
    void countsTheWaitAndNamesTheLongQueryItWaitsBehind() {
        assertThat(line.onEvent(new BackupEvent.LockRequested("ftwrl"))).isTrue();
        assertThat(line.render()).isEqualTo("quiesce: waiting 0.0 s for the lock 'ftwrl'");
        advance(300);
        assertThat(line.onEvent(new BackupEvent.WaitingForLongQueries(
                        "FLUSH TABLES WITH READ LOCK", List.of(REPORT), Duration.ofSeconds(30))))
                .isTrue();
        advance(900);
        assertThat(line.render())
                .isEqualTo(
                        "quiesce: waiting 1.2 s for the lock 'ftwrl' (long query id 42 by app for 3400 ms: SELECT * FROM orders JOIN lines USING...)");
        assertThat(line.ticking()).isTrue();
        assertThat(line.render()).doesNotContain("\n", "\r", "\t");
    }

    @Test
    void namesTheFirstOfSeveralLongQueriesAndForgetsThemWhenTheyEnd() {
        line.onEvent(new BackupEvent.LockRequested("read-only"));
        line.onEvent(new BackupEvent.WaitingForLongQueries(
                "FTWRL",
                List.of(new LongQuery("7", "etl", 61000, "ALTER TABLE t ENGINE=InnoDB"), REPORT),
                Duration.ofSeconds(30)));
        advance(2000);
        assertThat(line.render())
                .isEqualTo(
                        "quiesce: waiting 2.0 s for the lock 'read-only' (2 long queries, the first id 7 by etl for 61000 ms: ALTER TABLE t ENGINE=InnoDB)");
        assertThat(line.onEvent(new BackupEvent.LongQueryKilled(
                        new LongQuery("7", "etl", 62000, "ALTER TABLE t ENGINE=InnoDB"))))
                .isTrue();
        assertThat(line.render()).contains("(long query id 42 by app");
        assertThat(line.onEvent(new BackupEvent.WaitedForLongQueries("FTWRL", Duration.ofSeconds(2), true)))
                .isTrue();
        assertThat(line.render()).isEqualTo("quiesce: waiting 2.0 s for the lock 'read-only'");
    }

    @Test
    void saysWhenALockAttemptWasCancelledAndRetried() {
        line.onEvent(new BackupEvent.LockRequested("ftwrl"));
        advance(1000);
        assertThat(line.onEvent(new BackupEvent.LockAttemptCancelled(
                        "FLUSH TABLES WITH READ LOCK", 1, Duration.ofMillis(1000))))
                .isTrue();
        advance(100);
        assertThat(line.render())
                .isEqualTo(
                        "quiesce: waiting 1.1 s for the lock 'ftwrl' (attempt 1 cancelled after 1.0 s so writers do not queue; retrying)");
    }

    @Test
    void namesTheLaggingGaleraNodeItWaitsFor() {
        line.onEvent(new BackupEvent.LockRequested("mariadb-backup-stage"));
        io.github.quiesce.GaleraState lagging = new io.github.quiesce.GaleraState(
                "Primary", 2, 2, "Donor/Desynced", 3541, true, "58338d84-e646-11f1-9400-ba8ebf84b74e", 195401);
        assertThat(line.onEvent(new BackupEvent.WaitingForGalera(
                        BackupEvent.GaleraPhase.BEFORE_LOCK, lagging, Duration.ofSeconds(30))))
                .isTrue();
        advance(1500);
        assertThat(line.render())
                .isEqualTo("quiesce: waiting 1.5 s for the lock 'mariadb-backup-stage' (the Galera node lags:"
                        + " Donor/Desynced, 3,541 write-sets queued, Primary component of 2 nodes)");
        assertThat(line.onEvent(new BackupEvent.WaitedForGalera(
                        BackupEvent.GaleraPhase.BEFORE_LOCK, Duration.ofMillis(1500), true, lagging)))
                .isTrue();
        assertThat(line.render()).isEqualTo("quiesce: waiting 1.5 s for the lock 'mariadb-backup-stage'");
    }

    @Test
    void countsTheHoldThenTheCommandThenSaysReleased() {
        line.onEvent(new BackupEvent.LockRequested("ftwrl"));
        advance(1234);
        assertThat(line.onEvent(new BackupEvent.LockAcquired("ftwrl", Duration.ofMillis(1234))))
                .isTrue();
        assertThat(line.onEvent(new BackupEvent.CoordinatesCaptured(
                        new BinlogCoordinates("binlog.000001", 4, ""), 0, Duration.ofMillis(1))))
                .as("not a change anyone waits on")
                .isFalse();
        advance(50);
        assertThat(line.render()).isEqualTo("quiesce: lock 'ftwrl' held 0.1 s (waited 1.2 s)");
        assertThat(line.commandStarted()).isTrue();
        assertThat(line.commandStarted()).as("once").isFalse();
        advance(3350);
        assertThat(line.render()).isEqualTo("quiesce: lock 'ftwrl' held 3.4 s, running --exec");
        assertThat(line.finished()).isFalse();
        assertThat(line.onEvent(new BackupEvent.LockReleased("ftwrl", Duration.ofMillis(3420), "close")))
                .isTrue();
        advance(5000);
        assertThat(line.render()).isEqualTo("quiesce: lock 'ftwrl' released after 3.4 s held");
        assertThat(line.finished()).isTrue();
        assertThat(line.ticking()).isFalse();
    }

    @Test
    void saysWhenTheWatchdogTakesTheLock() {
        line.onEvent(new BackupEvent.LockRequested("ftwrl"));
        line.onEvent(new BackupEvent.LockAcquired("ftwrl", Duration.ZERO));
        line.commandStarted();
        advance(3_600_100);
        assertThat(line.onEvent(new BackupEvent.WatchdogFired("ftwrl", Duration.ofHours(1), 17)))
                .isTrue();
        assertThat(line.render())
                .isEqualTo("quiesce: lock 'ftwrl' held 3600.1 s: past --max-lock-hold, the watchdog is releasing it");
    }

    @Test
    void aFailedAttemptLeavesNothingToSayUntilTheFallbackAsks() {
        line.onEvent(new BackupEvent.LockRequested("mysql-instance-lock"));
        assertThat(line.onEvent(
                        new BackupEvent.StateRestored(List.of("SET SESSION lock_wait_timeout = 31536000"), List.of())))
                .isTrue();
        assertThat(line.render()).isNull();
        assertThat(line.ticking()).isFalse();
        advance(10);
        line.onEvent(new BackupEvent.LockRequested("ftwrl"));
        assertThat(line.render()).isEqualTo("quiesce: waiting 0.0 s for the lock 'ftwrl'");
    }

    @Test
    void theCommandCannotStartBeforeTheLockIsHeld() {
        assertThat(line.commandStarted()).isFalse();
        assertThat(line.render()).isNull();
    }
}
