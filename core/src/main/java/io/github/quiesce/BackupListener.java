package io.github.quiesce;

/**
 * Receives the phases of every {@link BackupSession} as they happen, with their timings: for metrics,
 * audit trails and the "why is my backup slow" question at 3 a.m.
 *
 * <p>Register one on {@link BackupOptions.Builder#listener(BackupListener)}, or list an implementation
 * (public, no-argument constructor) in {@code META-INF/services/io.github.quiesce.BackupListener} on the
 * options' class loader. Events arrive on the thread that caused them (the caller's, or the watchdog's
 * for {@link BackupEvent.WatchdogFired}); keep the work short. A listener that throws is logged at WARN
 * and never affects the session.
 */
@FunctionalInterface
public interface BackupListener {

    void onEvent(BackupEvent event);
}
