package io.github.quiesce.spi;

import io.github.quiesce.BinlogCoordinates;
import io.github.quiesce.ServerInfo;
import java.util.List;
import java.util.Set;

/**
 * A way to take a MySQL-family server to a consistent point, discovered with
 * {@link java.util.ServiceLoader} from {@code META-INF/services/io.github.quiesce.spi.LockStrategy}.
 *
 * <p>The strategy owns its whole lifecycle. {@link #acquire} takes its locks and registers, with
 * {@link LockContext#onRelease}, the statement that releases each one; {@link #captureCoordinates}
 * reads the binary log position under that lock (and may take and drop a further short lock to do
 * so); the session runs the registered release steps, newest first, on close or after any failure.
 * Core issues no lock or unlock statement of its own.
 *
 * <p>Implementations must be stateless (one instance serves every session) and have a public
 * no-argument constructor.
 */
public interface LockStrategy {

    /** Unique, lower-case name used in {@code BackupOptions.strategy(...)}, e.g. {@code ftwrl}. */
    String name();

    /** Whether the strategy can run on this server, and if not, why. Must not touch the server. */
    Support supports(ServerInfo server);

    /**
     * Rank under {@code auto}: higher wins among supported strategies. Rank by what the lock
     * blocks, least first; say why in a comment next to the value.
     */
    int priority();

    /** False for strategies that change global state and must only run when named explicitly. */
    default boolean selectableByAuto() {
        return true;
    }

    /**
     * Server variables this strategy reads with {@link ServerInfo#variable} beyond the ones every
     * session reads (flavour, version, binary log, GTID mode, read-only state, identity). The probe reads
     * the union of every discovered strategy's names in its one {@code SHOW VARIABLES}, so core never
     * needs to know them. Lower-case names of letters, digits and underscores.
     */
    default Set<String> serverVariables() {
        return Set.of();
    }

    /**
     * Status variables ({@code SHOW GLOBAL STATUS}) this strategy reads with {@link ServerInfo#status}, read by
     * the probe in one statement with every other strategy's. The {@code wsrep_*} state of a Galera node is read
     * anyway ({@link ServerInfo#galera()}). Lower-case names of letters, digits and underscores.
     */
    default Set<String> serverStatusVariables() {
        return Set.of();
    }

    /** The privileges this strategy needs on this server; checked before any lock is taken. */
    default List<PrivilegeRequirement> requiredPrivileges(ServerInfo server) {
        return List.of();
    }

    /**
     * A check that has to read the server (e.g. which tables are not transactional), run after
     * {@link #supports} and the privilege check and before any lock is taken, on the session's
     * connection. Under {@code auto} a "no" moves on to the next strategy and its reason is logged;
     * for a strategy named explicitly it is the error. Read-only statements only.
     */
    default Support inspect(InspectContext context) {
        return Support.yes();
    }

    /**
     * Takes the lock. Register the release of each step with the context as soon as it succeeds;
     * throw (any {@link io.github.quiesce.BackupException}) on failure: the session undoes what was
     * registered and reports it.
     */
    void acquire(LockContext context);

    /**
     * Reads the coordinates that match the data under the lock, and opens the caller's
     * {@link LockContext#snapshots() snapshot transactions} at that same point. Called at most once per
     * session, only when the binary log is enabled. A step taken here that must not outlive this call
     * (e.g. {@code LOCK BINLOG FOR BACKUP}) is released here too.
     */
    BinlogCoordinates captureCoordinates(LockContext context);

    /**
     * After the process that held a session died: put back, on the context's connection, what this
     * strategy's {@link LockContext#journal journal} says it changed. Read the server first and change only what is
     * still changed; validate every value taken from the journal. Returns the statements run.
     *
     * @throws UnsupportedOperationException for a strategy that writes no journal (the default)
     */
    default List<String> recover(RecoverContext context) {
        throw new UnsupportedOperationException(
                "Strategy '" + name() + "' keeps no journal and has nothing to recover");
    }

    /**
     * When {@code open()} finds the {@link LockContext#journal journal} of a session whose process died:
     * what of it is still changed on the server, read on the context's connection without changing
     * anything. An empty list means nothing is (e.g. a server-side guard of the strategy's own has
     * already put everything back and is gone): {@code open()} then removes the journal and goes on, so
     * a crash that healed needs no call to {@code recover}. Otherwise {@code open()} refuses, naming these,
     * until {@code recover} has run. Validate every value taken from the journal.
     *
     * @return descriptions of what is still changed, e.g. {@code read_only=ON}; the default cannot tell
     */
    default List<String> stillChanged(RecoverContext context) {
        return List.of("whatever strategy '" + name() + "' changed (it cannot tell without recover)");
    }
}
