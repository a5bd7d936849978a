package io.github.quiesce.internal;

import io.github.quiesce.BackupException;
import io.github.quiesce.RollbackReport;
import java.util.Objects;

/**
 * Lets the session attach its {@link RollbackReport} to an exception a strategy threw before the
 * rollback was known, without a public mutator on the exported exception classes: the exception
 * class hands its package-private writer here when it is initialized (the JDK's "shared secrets").
 */
public final class FailureReports {

    /** Implemented by {@link BackupException}; attaches once. */
    public interface Writer {
        void attach(BackupException e, RollbackReport report);
    }

    private static volatile Writer writer;

    private FailureReports() {}

    /** Called once, by {@link BackupException}'s static initializer. */
    public static void install(Writer w) {
        if (writer != null) {
            throw new IllegalStateException("already installed");
        }
        writer = Objects.requireNonNull(w);
    }

    static void attach(BackupException e, RollbackReport report) {
        // e exists, so BackupException is initialized and the writer installed.
        writer.attach(e, report);
    }

    static void attach(BackupException e, ReleaseStack.Outcome outcome, boolean pointLost) {
        attach(e, new RollbackReport(outcome.undone(), outcome.notUndone(), pointLost));
    }
}
