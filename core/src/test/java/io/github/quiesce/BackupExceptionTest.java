package io.github.quiesce;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.quiesce.BackupException.Consequence;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The one axis a caller switches on, derived from what was undone and where the failure struck. */
class BackupExceptionTest {

    @Test
    void aRefusalBeforeAnyLockChangedNothing() {
        BackupException e = new MissingPrivilegeException("needs RELOAD", List.of("RELOAD"));
        e.attachRollback(new RollbackReport(List.of("SET SESSION lock_wait_timeout = 31536000"), List.of(), false));
        assertThat(e.consequence()).isEqualTo(Consequence.NOTHING_LEFT_CHANGED);
    }

    @Test
    void aFailureThatEndedAHeldSessionInvalidatesTheCopy() {
        BackupException e = new CoordinatesUnavailableException("log_status never agreed");
        e.attachRollback(new RollbackReport(List.of("UNLOCK INSTANCE"), List.of(), true));
        assertThat(e.consequence()).isEqualTo(Consequence.BACKUP_INVALID);
        assertThat(new LockLostException("lost", new BackupException("gone")).consequence())
                .isEqualTo(Consequence.BACKUP_INVALID);
    }

    @Test
    void anythingNotUndoneOutranksTheRest() {
        BackupException e = new LockLostException("lost", new BackupException("gone"));
        e.attachRollback(new RollbackReport(List.of(), List.of("SET GLOBAL read_only = OFF"), false));
        assertThat(e.consequence()).isEqualTo(Consequence.SERVER_MAY_BE_CHANGED);
        assertThat(new UnrecoveredSessionException("journal left").consequence())
                .isEqualTo(Consequence.SERVER_MAY_BE_CHANGED);
    }

    @Test
    void aMoreSpecificCopyKeepsTheRollbackAndTheLostPoint() {
        BackupException cause = new BackupException("failed");
        cause.attachRollback(new RollbackReport(List.of(), List.of(), true));
        assertThat(new LockAcquisitionException("wrapped", cause).consequence()).isEqualTo(Consequence.BACKUP_INVALID);
    }
}
