package io.github.quiesce;

/**
 * The session was held longer than {@code maxLockHold}: the watchdog killed its lock connection and
 * restored what the strategy had changed (see {@link #rolledBack()}). Thrown by {@code close()}; the
 * consistent point ended when the watchdog fired, so a copy still running then is not consistent.
 */
public class WatchdogExpiredException extends BackupException {

    public WatchdogExpiredException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The point ended when the watchdog fired, maybe while the copy was still running. */
    @Override
    protected Consequence ownConsequence() {
        return Consequence.BACKUP_INVALID;
    }
}
