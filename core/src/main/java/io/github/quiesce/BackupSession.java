package io.github.quiesce;

import io.github.quiesce.internal.Recoverer;
import io.github.quiesce.internal.Session;
import io.github.quiesce.internal.SessionOpener;
import java.sql.Connection;
import java.util.List;
import javax.sql.DataSource;

/**
 * A consistent point held on a MySQL-family server for as long as the session is open.
 *
 * <pre>{@code
 * try (BackupSession s = BackupSession.open(dataSource, BackupOptions.builder().strategy("auto").build())) {
 *     BinlogCoordinates c = s.coordinates();
 *     // copy / snapshot / dump while the point is held
 * } // releases every lock and restores every changed setting
 * }</pre>
 *
 * <p>The session takes one connection from the DataSource and keeps it to the end. Opening probes the
 * server, picks the strategy, checks privileges, sets session {@code lock_wait_timeout} and takes the
 * lock; if any step fails, every earlier step is undone before the exception is thrown.
 * {@link #coordinates()} reads the coordinates under the lock on first call and then returns the same
 * value. {@link #close()} releases with the strategy's own statements; if that fails, the connection
 * is closed physically (never returned to a pool still holding a lock) and a {@link ReleaseException}
 * says what was and was not undone. A session held longer than {@link BackupOptions#maxLockHold()} is
 * released by a watchdog (see {@link WatchdogExpiredException}). Phases go to
 * {@link BackupListener}s as {@link BackupEvent}s; one INFO line sums each session up when it ends.
 *
 * <p>Thread-safe; {@code close()} is idempotent.
 */
public final class BackupSession implements AutoCloseable {

    /** More snapshot connections than this is almost certainly a bug in the caller. */
    public static final int MAX_SNAPSHOTS = 256;

    private final Session session;

    private BackupSession(Session session) {
        this.session = session;
    }

    /** Opens a session with {@link BackupOptions#defaults()}. */
    public static BackupSession open(DataSource dataSource) {
        return open(dataSource, BackupOptions.defaults());
    }

    /**
     * Probes the server, chooses the strategy and takes the lock.
     *
     * @throws StrategyNotFoundException   unknown strategy name, or no strategy on the classpath
     * @throws UnsupportedServerException  the named strategy (or, under auto, every strategy) cannot run here
     * @throws MissingPrivilegeException   the account lacks a privilege the strategy needs
     * @throws LockAcquisitionException    the lock was not granted (e.g. lock_wait_timeout); nothing stays locked
     * @throws ServerConnectionException   the server could not be reached
     */
    public static BackupSession open(DataSource dataSource, BackupOptions options) {
        return new BackupSession(SessionOpener.open(dataSource, options));
    }

    /**
     * Puts back what a session whose process died left changed on this server, from the journal it wrote
     * in {@link BackupOptions#journalDirectory()}, with the strategy that wrote it; removes the journal.
     * Safe to call when there is nothing to recover.
     *
     * @throws StrategyNotFoundException if the strategy named in the journal is not on the classpath
     */
    public static Recovery recover(DataSource dataSource, BackupOptions options) {
        return Recoverer.recover(dataSource, options);
    }

    /** {@link #recover(DataSource, BackupOptions)} with the default journal directory. */
    public static Recovery recover(DataSource dataSource) {
        return recover(dataSource, BackupOptions.defaults());
    }

    /**
     * The coordinates that match the data under the lock; read on first call, the same value after
     * (also after close, or after the watchdog released the lock, when they were read before).
     */
    public BinlogCoordinates coordinates() {
        return session.coordinates();
    }

    /**
     * Opens {@code count} connections, each inside {@code START TRANSACTION WITH CONSISTENT SNAPSHOT,
     * READ ONLY} at {@code REPEATABLE READ}, all at the session's consistent point, and reads the
     * coordinates at that same point: every connection sees exactly the data that
     * {@link #coordinates()} describes. Use them for a parallel logical dump, as mydumper and MySQL Shell
     * do with their worker sessions.
     *
     * <p>The connections are the caller's to close (closing ends the transaction). They stay valid after
     * this session is closed, so the usual pattern holds the lock for milliseconds only:
     * open the session, take the snapshots, close the session, then dump from the snapshots.
     * They come from the session's DataSource: a pool must have room for {@code count + 1}.
     *
     * @param count how many, 1 to {@value #MAX_SNAPSHOTS}
     * @throws IllegalStateException if the coordinates were already read: the snapshots must be opened at
     *                               the moment they are read, so call this first
     * @throws ServerConnectionException if the connections cannot be had; the session stays open
     * @throws BackupException if the strategy cannot open them at its point; the session is then released
     */
    public List<Connection> snapshotConnections(int count) {
        return session.snapshotConnections(count);
    }

    /** {@code CONNECTION_ID()} of the lock connection, to find it in the processlist. */
    public long lockConnectionId() {
        return session.lockConnectionId();
    }

    /** The name of the strategy holding the point, e.g. {@code ftwrl}. */
    public String strategy() {
        return session.strategyName();
    }

    /** What the probe learned about the server. */
    public ServerInfo server() {
        return session.server();
    }

    /** Whether the lock is still held (not closed, not released after a failure or by the watchdog). */
    public boolean isOpen() {
        return session.isOpen();
    }

    /** How long each phase took; the lock's hold time so far while the session is open. */
    public SessionTimings timings() {
        return session.timings();
    }

    /**
     * Releases every lock and restores every setting, newest first, with the strategy's own statements.
     *
     * @throws ReleaseException if a step could not be undone; the connection is then closed physically
     * @throws LockLostException if the lock connection was lost while open: the copy may not be consistent
     * @throws WatchdogExpiredException (once) if the watchdog had released the session before
     */
    @Override
    public void close() {
        session.close();
    }
}
