package io.github.quiesce.testkit.restore;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * A claimed consistent point: snapshot transactions and the coordinates they are said to see. The
 * oracle checks the claim; it does not care who made it.
 *
 * @param point     where replay must start for the snapshots' data
 * @param snapshots open transactions to dump from; {@link #close()} ends them
 */
public record Capture(ReplayPoint point, List<Connection> snapshots) implements AutoCloseable {

    public Capture {
        snapshots = List.copyOf(snapshots);
    }

    @Override
    public void close() {
        for (Connection c : snapshots) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // A snapshot that cannot be closed cleanly has nothing left to give.
            }
        }
    }
}
