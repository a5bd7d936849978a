package io.github.quiesce.readonly;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The applier states that come only after a serial applier has recorded its last commit: the ones SHOW
 * SLAVE STATUS printed under the lock on MariaDB 10.2.11 and MySQL 8.0.15 (ReplicaPointIT), MySQL 8.0.26+'s
 * wording of the idle state, and a delayed replica's wait before its next transaction.
 */
class SettledApplierTest {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "Waiting for global read lock",
                "Waiting for commit lock",
                "Waiting for backup lock",
                "Slave has read all relay log; waiting for the slave I/O thread to update it",
                "Slave has read all relay log; waiting for more updates",
                "Replica has read all relay log; waiting for more updates",
                "Waiting until MASTER_DELAY seconds after master executed event",
                "Waiting until SOURCE_DELAY seconds after source executed event"
            })
    void aLockWaitOrTheIdleStateIsSettled(String state) {
        assertThat(SettledApplier.settled(running(state))).isTrue();
    }

    /** "Unlocking tables" names a lock but is the gap itself: taking it as settled read 1 hold in 200 one transaction behind. */
    @ParameterizedTest
    @ValueSource(
            strings = {"Unlocking tables", "Reading event from the relay log", "closing tables", "freeing items", ""})
    void anyOtherStateOfARunningApplierIsNot(String state) {
        assertThat(SettledApplier.settled(running(state))).isFalse();
    }

    @Test
    void aStoppedApplierHasNothingPending() {
        assertThat(SettledApplier.settled(
                        new ReplicaStatus("", "h", 3306, "binlog.000001", 4, "", false, "Unlocking tables")))
                .isTrue();
    }

    private static ReplicaStatus running(String state) {
        return new ReplicaStatus("", "h", 3306, "binlog.000001", 4, "", true, state);
    }
}
