package io.github.quiesce.spi;

/**
 * The consistent-snapshot transactions a caller asked for with
 * {@code BackupSession.snapshotConnections(n)}. A strategy opens them in
 * {@link LockStrategy#captureCoordinates} at the instant its coordinates describe: under a lock that
 * stops commits, or between two reads that prove nothing committed in between. Each is then a
 * {@code REPEATABLE READ} transaction that sees exactly the data at the coordinates, and stays valid
 * after the session releases its lock.
 *
 * <p>When the caller asked for none, {@link #requested()} is 0 and the other methods do nothing.
 */
public interface Snapshots {

    /** The statement each connection runs unless a strategy gives its own. */
    String START = "START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY";

    /** How many connections the caller asked for (0 when none). */
    int requested();

    /** Opens the requested connections, each inside {@link #START}. */
    void open();

    /**
     * Opens them with the strategy's own start statement, e.g. Percona Server's
     * {@code START TRANSACTION WITH CONSISTENT SNAPSHOT FROM SESSION ?} to clone the session's snapshot.
     */
    void open(String startStatement, Object... parameters);

    /** Closes what was opened, so the strategy can try again at a new point (or give up). */
    void discard();
}
