package io.github.quiesce.testkit.restore;

import io.github.quiesce.testkit.EmbeddedServer;
import io.github.quiesce.testkit.ServerChecks;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A report query that holds a table open for seconds, as the one that makes FLUSH TABLES WITH READ LOCK
 * freeze writers in production. {@code SLEEP} runs once per row and {@code LIMIT 1} stops after the
 * first, so it lasts {@code duration} on any non-empty table. {@link #close()} ends it with KILL QUERY,
 * so the next round starts without it.
 */
public final class LongQuery implements AutoCloseable {

    private final EmbeddedServer server;
    private final Connection connection;
    private final long connectionId;
    private final CompletableFuture<Void> running;

    private LongQuery(
            EmbeddedServer server, Connection connection, long connectionId, CompletableFuture<Void> running) {
        this.server = server;
        this.connection = connection;
        this.connectionId = connectionId;
        this.running = running;
    }

    /** Starts {@code SELECT SLEEP(seconds) FROM schema.table LIMIT 1} on a new root connection; returns at once. */
    public static LongQuery start(EmbeddedServer server, String schema, String table, Duration duration) {
        try {
            Connection c = server.connect();
            long id = ServerChecks.connectionId(c);
            String query = "SELECT SLEEP(" + duration.toMillis() / 1000.0 + ") FROM "
                    + Identifiers.qualified(schema, table) + " LIMIT 1";
            CompletableFuture<Void> running = CompletableFuture.runAsync(() -> {
                try (Statement st = c.createStatement();
                        ResultSet rs = st.executeQuery(query)) {
                    if (!rs.next()) {
                        throw new IllegalStateException(
                                query + " returned no row: the table is empty, so nothing slept");
                    }
                } catch (SQLException e) {
                    // Killed: what close() is for.
                }
            });
            return new LongQuery(server, c, id, running);
        } catch (SQLException e) {
            throw new IllegalStateException("Could not start a long query on " + server + ": " + e.getMessage(), e);
        }
    }

    /** Whether it is still running (false once it ended on its own or was killed). */
    public boolean running() {
        return !running.isDone();
    }

    @Override
    public void close() {
        try {
            if (running()) {
                try (Connection killer = server.connect();
                        Statement st = killer.createStatement()) {
                    st.execute("KILL QUERY " + connectionId);
                }
            }
            running.get(10, TimeUnit.SECONDS);
            connection.close();
        } catch (Exception e) {
            throw new IllegalStateException("Could not end the long query on " + server + ": " + e.getMessage(), e);
        }
    }
}
