package io.github.quiesce.testkit.restore;

import io.github.quiesce.testkit.EmbeddedServer;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The deliberately wrong reference: coordinates read first, snapshots opened a moment later, nothing
 * locked in between. Under writers the copy then holds transactions the coordinates say to replay. An
 * oracle that lets this pass proves nothing, so the restore test must catch it.
 */
public final class UnlockedSnapshot {

    private UnlockedSnapshot() {}

    /** Reads the end of {@code source}'s log, waits {@code gap}, then opens {@code count} snapshot transactions. */
    public static Capture take(EmbeddedServer source, int count, Duration gap) {
        ReplayPoint point = ReplicationSource.endOfLog(source);
        sleep(gap);
        List<Connection> snapshots = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                Connection c = source.connect();
                snapshots.add(c);
                try (Statement st = c.createStatement()) {
                    st.execute("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ");
                    st.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT");
                }
            }
            return new Capture(point, snapshots);
        } catch (SQLException e) {
            new Capture(point, snapshots).close();
            throw new IllegalStateException("Could not open snapshots on " + source + ": " + e.getMessage(), e);
        }
    }

    private static void sleep(Duration gap) {
        try {
            Thread.sleep(gap.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
