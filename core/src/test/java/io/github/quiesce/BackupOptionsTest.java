package io.github.quiesce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackupOptionsTest {

    static final StrategyOption<Boolean> FLAG = StrategyOption.of("test.flag", Boolean.class, false);

    @Test
    void defaultsAreAutoWithSixtySecondsAndFallback() {
        BackupOptions o = BackupOptions.defaults();
        assertThat(o.strategy()).isEqualTo("auto");
        assertThat(o.isAuto()).isTrue();
        assertThat(o.lockWaitTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(o.allowFallback()).isTrue();
        assertThat(o.get(FLAG)).isFalse();
    }

    @Test
    void rejectsNegativeZeroAndNullDurations() {
        assertThatThrownBy(() -> BackupOptions.builder().lockWaitTimeout(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lockWaitTimeout");
        assertThatThrownBy(() -> BackupOptions.builder().lockWaitTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BackupOptions.builder().lockWaitTimeout(null))
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> BackupOptions.builder().lockWaitTimeout(Duration.ofDays(400)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rejectsStrategyNamesThatCouldNotBeAStrategy() {
        assertThatThrownBy(() -> BackupOptions.builder().strategy("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BackupOptions.builder().strategy("x; DROP TABLE t"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BackupOptions.builder().strategy(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void lockWaitTimeoutRoundsUpToWholeSeconds() {
        assertThat(BackupOptions.builder()
                        .lockWaitTimeout(Duration.ofMillis(1500))
                        .build()
                        .lockWaitTimeoutSeconds())
                .isEqualTo(2);
        assertThat(BackupOptions.builder()
                        .lockWaitTimeout(Duration.ofMillis(10))
                        .build()
                        .lockWaitTimeoutSeconds())
                .isEqualTo(1);
    }

    @Test
    void strategyOptionsAreTypedAndCopied() {
        BackupOptions.Builder b = BackupOptions.builder().set(FLAG, true);
        BackupOptions o = b.build();
        b.set(FLAG, false);
        assertThat(o.get(FLAG)).isTrue();
        assertThat(o.toBuilder().build().get(FLAG)).isTrue();
    }

    @Test
    void theLongQueryGuardIsOnByDefaultAndValidated() {
        assertThat(BackupOptions.defaults().longQueryGuard()).isEqualTo(LongQueryGuard.DEFAULT);
        assertThat(LongQueryGuard.DEFAULT.enabled()).isTrue();
        assertThat(LongQueryGuard.OFF.enabled()).isFalse();
        assertThatThrownBy(() -> new LongQueryGuard(Duration.ZERO, Duration.ofSeconds(1), LongQueryGuard.QueryType.ALL))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("threshold");
        assertThatThrownBy(() -> BackupOptions.builder().longQueryGuard(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void stallBoundsDefaultToOneSecondThreeRetriesNoKillerAndAnHourOfHold() {
        BackupOptions d = BackupOptions.defaults();
        assertThat(d.acquireTimeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(d.acquireRetries()).isEqualTo(3);
        assertThat(d.killLongQueries()).isEqualTo(LongQueryKiller.OFF);
        assertThat(d.killLongQueries().enabled()).isFalse();
        assertThat(d.maxLockHold()).isEqualTo(Duration.ofHours(1));
        assertThat(d.listeners()).isEmpty();
        assertThatThrownBy(() -> BackupOptions.builder().acquireRetries(-1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BackupOptions.builder().acquireRetries(101))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BackupOptions.builder().acquireTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BackupOptions.builder().maxLockHold(Duration.ofDays(31)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxLockHold");
        assertThatThrownBy(() -> BackupOptions.builder().listener(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void aKillerThatCouldNeverFireIsRejectedWhereItIsWritten() {
        LongQueryKiller killer = LongQueryKiller.selectsAfter(Duration.ofSeconds(5));
        assertThatThrownBy(() -> BackupOptions.builder()
                        .killLongQueries(killer)
                        .longQueryGuard(LongQueryGuard.OFF)
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("guard");
        LongQueryGuard shortGuard =
                new LongQueryGuard(Duration.ofSeconds(1), Duration.ofSeconds(5), LongQueryGuard.QueryType.ALL);
        assertThatThrownBy(() -> BackupOptions.builder()
                        .killLongQueries(killer)
                        .longQueryGuard(shortGuard)
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("never fire");
        BackupOptions ok = BackupOptions.builder().killLongQueries(killer).build();
        assertThat(ok.toBuilder().build().killLongQueries()).isEqualTo(killer);
    }
}
