package io.github.quiesce.testkit.restore;

import io.github.quiesce.testkit.EmbeddedServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The server a restored copy replays from, with an account that may do nothing but replicate, so the
 * replay is the server's own replication and nothing of ours.
 */
public final class ReplicationSource {

    private static final String USER = "quiesce_replay";
    private static final String PASSWORD = "quiesce_replay_pw1";

    private final EmbeddedServer server;

    private ReplicationSource(EmbeddedServer server) {
        this.server = server;
    }

    /** Creates (or re-creates) the replication account on {@code server}. */
    public static ReplicationSource on(EmbeddedServer server) {
        server.createUser(USER, PASSWORD, "REPLICATION SLAVE");
        return new ReplicationSource(server);
    }

    public EmbeddedServer server() {
        return server;
    }

    /** The connection part of CHANGE MASTER TO; every value is ours or a number. */
    String connectionClause() {
        return "MASTER_HOST='" + server.host() + "', MASTER_PORT=" + server.port() + ", MASTER_USER='" + USER
                + "', MASTER_PASSWORD='" + PASSWORD + "', MASTER_CONNECT_RETRY=1";
    }

    /**
     * Where the source's log ends now, with the GTIDs it has logged: once its writers have stopped, the
     * point a copy must reach before its rows are compared.
     */
    public ReplayPoint endOfLog() {
        return endOfLog(server);
    }

    /** {@link #endOfLog()} of any server, read as root. */
    public static ReplayPoint endOfLog(EmbeddedServer server) {
        boolean maria = server.distribution().isMariaDb();
        try (Connection c = server.connect();
                Statement st = c.createStatement()) {
            String file;
            long position;
            String gtids;
            try (ResultSet rs = st.executeQuery("SHOW MASTER STATUS")) {
                if (!rs.next()) {
                    throw new IllegalStateException(server + " has no binary log: it cannot be replicated from");
                }
                file = rs.getString("File");
                position = rs.getLong("Position");
                gtids = maria ? "" : rs.getString("Executed_Gtid_Set");
            }
            if (maria) {
                try (ResultSet rs = st.executeQuery("SELECT @@GLOBAL.gtid_binlog_pos")) {
                    rs.next();
                    gtids = rs.getString(1);
                }
            }
            return new ReplayPoint(file, position, gtids);
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "Could not read the binary log status of " + server + ": " + e.getMessage(), e);
        }
    }
}
