package io.github.quiesce.readonly;

import io.github.quiesce.ServerInfo;

/**
 * The text that points a new replica at the same source coordinates, in the syntax of the server it was
 * taken from. Text for the operator, not executed here; values are the server's own, quoted as literals.
 */
final class ChangeSource {

    private ChangeSource() {}

    static String byPosition(ServerInfo server, String channel, String host, int port, String file, long position) {
        if (modernMysql(server)) {
            return "CHANGE REPLICATION SOURCE TO SOURCE_HOST=" + literal(host) + ", SOURCE_PORT=" + port
                    + ", SOURCE_LOG_FILE=" + literal(file) + ", SOURCE_LOG_POS=" + position
                    + forChannel(server, channel)
                    + ";";
        }
        return "CHANGE MASTER " + connection(server, channel) + "TO MASTER_HOST=" + literal(host) + ", MASTER_PORT="
                + port + ", MASTER_LOG_FILE=" + literal(file) + ", MASTER_LOG_POS=" + position
                + forChannel(server, channel) + ";";
    }

    static String byGtid(ServerInfo server, String channel, String host, int port, String gtid) {
        if (server.isMariaDb()) {
            return "SET GLOBAL gtid_slave_pos = " + literal(gtid) + "; CHANGE MASTER " + connection(server, channel)
                    + "TO MASTER_HOST=" + literal(host) + ", MASTER_PORT=" + port + ", MASTER_USE_GTID=slave_pos;";
        }
        String change = modernMysql(server)
                ? "CHANGE REPLICATION SOURCE TO SOURCE_HOST=" + literal(host) + ", SOURCE_PORT=" + port
                        + ", SOURCE_AUTO_POSITION=1" + forChannel(server, channel) + ";"
                : "CHANGE MASTER TO MASTER_HOST=" + literal(host) + ", MASTER_PORT=" + port + ", MASTER_AUTO_POSITION=1"
                        + forChannel(server, channel) + ";";
        return "SET GLOBAL gtid_purged = " + literal(gtid) + "; " + change;
    }

    /** MySQL names a channel at the end: {@code ... FOR CHANNEL 'name'}. */
    private static String forChannel(ServerInfo server, String channel) {
        return server.isMariaDb() || channel.isEmpty() ? "" : " FOR CHANNEL " + literal(channel);
    }

    /** MariaDB names a connection after the verb: {@code CHANGE MASTER 'name' TO}. */
    private static String connection(ServerInfo server, String channel) {
        return server.isMariaDb() && !channel.isEmpty() ? literal(channel) + " " : "";
    }

    /** CHANGE REPLICATION SOURCE TO exists from MySQL 8.0.23. */
    private static boolean modernMysql(ServerInfo server) {
        return !server.isMariaDb() && server.version().atLeast(8, 0, 23);
    }

    private static String literal(String value) {
        return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'";
    }
}
