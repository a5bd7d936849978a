package io.github.quiesce.testkit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * A source and a replica of the same distribution, each its own embedded server on its own port, the
 * replica following the source by GTID (MySQL {@code MASTER_AUTO_POSITION=1}, MariaDB
 * {@code MASTER_USE_GTID=slave_pos}). Closing stops and deletes both.
 */
public final class ReplicaPair implements AutoCloseable {

    private static final String REPL_USER = "quiesce_repl";
    private static final String REPL_PASSWORD = "quiesce_repl_pw1";

    /** The longest a replica that is still making progress is waited for. */
    public static final Duration CATCH_UP_CAP = Duration.ofMinutes(5);

    private final EmbeddedServer source;
    private final EmbeddedServer replica;

    private ReplicaPair(EmbeddedServer source, EmbeddedServer replica) {
        this.source = source;
        this.replica = replica;
    }

    public static ReplicaPair start(ServerDistribution distribution) {
        return start(distribution, ServerConfig.defaults());
    }

    /**
     * A pair whose replica starts with {@code replicaConfig} (e.g. {@link ServerConfig#withEventScheduler});
     * its server id is always 2, the source's 1.
     */
    public static ReplicaPair start(ServerDistribution distribution, ServerConfig replicaConfig) {
        // Started side by side: most of a start is waiting for the disk, and the suite starts dozens of pairs.
        CompletableFuture<EmbeddedServer> startingReplica =
                CompletableFuture.supplyAsync(() -> EmbeddedServer.start(distribution, replicaConfig.withServerId(2)));
        EmbeddedServer source;
        try {
            source = EmbeddedServer.start(distribution, ServerConfig.defaults().withServerId(1));
        } catch (RuntimeException e) {
            startingReplica.thenAccept(EmbeddedServer::close);
            throw e;
        }
        EmbeddedServer replica = null;
        try {
            replica = join(startingReplica);
            source.createUser(REPL_USER, REPL_PASSWORD, "REPLICATION SLAVE");
            replica.execute(changeSource(distribution, source.port()), "START SLAVE");
            ReplicaPair pair = new ReplicaPair(source, replica);
            pair.awaitCaughtUp(Duration.ofSeconds(60));
            return pair;
        } catch (RuntimeException e) {
            if (replica != null) {
                replica.close();
            }
            source.close();
            throw e;
        }
    }

    private static EmbeddedServer join(CompletableFuture<EmbeddedServer> starting) {
        try {
            return starting.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    private static String changeSource(ServerDistribution d, int port) {
        return "CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=" + port + ", MASTER_USER='" + REPL_USER
                + "', MASTER_PASSWORD='" + REPL_PASSWORD + "', MASTER_CONNECT_RETRY=1, "
                + (d.isMariaDb() ? "MASTER_USE_GTID=slave_pos" : "MASTER_AUTO_POSITION=1");
    }

    public EmbeddedServer source() {
        return source;
    }

    public EmbeddedServer replica() {
        return replica;
    }

    /**
     * Waits until the replica has applied everything the source has logged so far. {@code stallTimeout}
     * bounds the time without progress, not the whole wait: a replica working off a backlog the test
     * built while it was stopped (tens of thousands of transactions on a slow CI machine) keeps
     * being waited for as long as its applied set grows, up to {@link #CATCH_UP_CAP}.
     */
    public void awaitCaughtUp(Duration stallTimeout) {
        boolean maria = source.distribution().isMariaDb();
        String position = ServerChecks.scalar(
                source, maria ? "SELECT @@GLOBAL.gtid_binlog_pos" : "SELECT @@GLOBAL.gtid_executed");
        String target = position == null ? "" : position.replace("\n", "");
        String wait = maria ? "SELECT MASTER_GTID_WAIT(?, ?)" : "SELECT WAIT_FOR_EXECUTED_GTID_SET(?, ?)";
        String applied = maria ? "SELECT @@GLOBAL.gtid_slave_pos" : "SELECT @@GLOBAL.gtid_executed";
        long slice = Math.max(1, stallTimeout.toSeconds());
        long cap = System.nanoTime() + CATCH_UP_CAP.toNanos();
        String before = ServerChecks.scalar(replica, applied);
        try (Connection c = replica.connect();
                PreparedStatement ps = c.prepareStatement(wait)) {
            while (true) {
                ps.setString(1, target);
                ps.setLong(2, slice);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getInt(1) == 0) {
                        return;
                    }
                }
                String now = ServerChecks.scalar(replica, applied);
                if (Objects.equals(now, before) || System.nanoTime() > cap) {
                    throw new IllegalStateException(
                            "The replica did not reach " + position + " (it stands at " + now + ", "
                                    + (Objects.equals(now, before)
                                            ? "no progress in " + stallTimeout
                                            : "still applying after " + CATCH_UP_CAP)
                                    + "): " + status());
                }
                before = now;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Waiting for the replica failed: " + e.getMessage(), e);
        }
    }

    /** Whether the replica's SQL (applier) thread runs, from SHOW SLAVE STATUS. */
    public boolean sqlThreadRunning() {
        try (Connection c = replica.connect();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SHOW SLAVE STATUS")) {
            return rs.next() && "Yes".equalsIgnoreCase(rs.getString("Slave_SQL_Running"));
        } catch (SQLException e) {
            throw new IllegalStateException("SHOW SLAVE STATUS failed: " + e.getMessage(), e);
        }
    }

    /** The replica's SHOW SLAVE STATUS, the fields a failing test wants to see. */
    public String status() {
        try (Connection c = replica.connect();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SHOW SLAVE STATUS")) {
            if (!rs.next()) {
                return "not a replica";
            }
            return "IO " + rs.getString("Slave_IO_Running") + ", SQL " + rs.getString("Slave_SQL_Running")
                    + ", last error " + rs.getString("Last_Error") + " / " + rs.getString("Last_IO_Error");
        } catch (SQLException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        try {
            replica.close();
        } finally {
            source.close();
        }
    }
}
