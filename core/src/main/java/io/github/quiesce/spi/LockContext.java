package io.github.quiesce.spi;

import io.github.quiesce.BackupEvent;
import io.github.quiesce.BackupOptions;
import io.github.quiesce.ServerInfo;
import java.time.Duration;
import java.util.Map;

/**
 * What a strategy gets from the session: the probed server, a statement runner on the session's own
 * dedicated connection, the options, and a place to register how to undo each step it takes.
 *
 * <p>Every step a strategy completes that changes the server must be followed at once by a call to
 * {@link #onRelease} or {@link #onReleaseGlobal}. The session runs those steps in reverse order when it
 * closes, and also when any later step fails, so a strategy never writes its own rollback paths.
 */
public interface LockContext {

    ServerInfo server();

    /** Statement runner on the session's connection; logs carry the strategy's name. */
    Sql sql();

    BackupOptions options();

    /** {@code CONNECTION_ID()} of the session's connection. */
    long connectionId();

    /** The snapshot transactions to open at the consistent point; see {@link Snapshots}. */
    Snapshots snapshots();

    /**
     * Runs a statement on the session's connection; if it has not returned after {@code timeout}, it is
     * cancelled with {@code KILL QUERY} from a second connection. For a lock that blocks writers while it
     * waits ({@code FLUSH TABLES WITH READ LOCK}); see {@link io.github.quiesce.spi.support.FlushingLock}.
     *
     * @return true if it ran to completion, false if it was cancelled (it then holds nothing)
     */
    boolean executeWithin(String statement, Duration timeout);

    /**
     * Opens one more connection from the session's DataSource, held by the session until it releases, for a
     * lock that must be held on several connections at once. Register the undo of each step taken on it
     * with {@link #onRelease} as usual; its action runs the statement on the held connection's
     * {@link HeldConnection#sql()}, not on the one it is given. Once every step registered after this call
     * has been undone, the session ends the connection for good (closed physically, and killed on the
     * server if it is still there), also after a failure, a lost lock connection or the watchdog, so its
     * locks never outlive the session. An undo step that finds it lost makes the session's point lost:
     * {@code close()} then throws {@link io.github.quiesce.LockLostException}.
     *
     * @param purpose what it is for, in logs (e.g. "lock batch 2")
     */
    HeldConnection openHeldConnection(String purpose);

    /**
     * Writes, durably, what {@link LockStrategy#recover} would need to put the server back if this
     * process died while the session holds it. Call it before the first change that outlives the
     * connection ({@code SET GLOBAL ...}, stopping a replica thread); a later call adds its keys to the content,
     * replacing the values of keys written before (helpers such as {@link io.github.quiesce.spi.support.Galera}
     * write theirs under their own prefix).
     * The session removes it after a clean release, and refuses new sessions on this server while a
     * journal is left over.
     */
    void journal(Map<String, String> state);

    /** Tells the session's listeners of a phase (e.g. the long-query guard starting to wait). */
    void publish(BackupEvent event);

    /**
     * Registers the undo of a step whose effect belongs to this connection (a lock it holds, a session
     * variable). If the connection is lost, the server has already dropped it, so it is not retried.
     *
     * @param description the statement(s), for logs and errors, e.g. {@code UNLOCK TABLES}
     */
    void onRelease(String description, ReleaseAction action);

    /**
     * Registers the undo of a step whose effect outlives the connection (a global variable such as
     * {@code read_only}). If the session's connection is lost, it is run on a side connection.
     */
    void onReleaseGlobal(String description, ReleaseAction action);
}
