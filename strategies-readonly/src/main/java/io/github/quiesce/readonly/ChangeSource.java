package io.github.quiesce.readonly;

import io.github.quiesce.ServerInfo;

/**
 * The text that points a new replica at the same source coordinates, in the syntax of the server it was
 * taken from. Text for the operator, not executed here; values are the server's own, quoted as literals.
 */
final class ChangeSource {

    private ChangeSource() {}

    static String byPosition(ServerInfo server, String host, int port, String file, long position) {
        if (modernMysql(server)) {
            return "CHANGE REPLICATION SOURCE TO SOURCE_HOST=" + literal(host) + ", SOURCE_PORT=" + port
                    + ", SOURCE_LOG_FILE=" + literal(file) + ", SOURCE_LOG_POS=" + position + ";";
        }
        return "CHANGE MASTER TO MASTER_HOST=" + literal(host) + ", MASTER_PORT=" + port + ", MASTER_LOG_FILE="
                + literal(file) + ", MASTER_LOG_POS=" + position + ";";
    }

    static String byGtid(ServerInfo server, String host, int port, String gtid) {
        if (server.isMariaDb()) {
            return "SET GLOBAL gtid_slave_pos = " + literal(gtid) + "; CHANGE MASTER TO MASTER_HOST=" + literal(host)
                    + ", MASTER_PORT=" + port + ", MASTER_USE_GTID=slave_pos;";
        }
        String change = modernMysql(server)
                ? "CHANGE REPLICATION SOURCE TO SOURCE_HOST=" + literal(host) + ", SOURCE_PORT=" + port
                        + ", SOURCE_AUTO_POSITION=1;"
                : "CHANGE MASTER TO MASTER_HOST=" + literal(host) + ", MASTER_PORT=" + port
                        + ", MASTER_AUTO_POSITION=1;";
        return "SET GLOBAL gtid_purged = " + literal(gtid) + "; " + change;
    }

    /** CHANGE REPLICATION SOURCE TO exists from MySQL 8.0.23. */
    private static boolean modernMysql(ServerInfo server) {
        return !server.isMariaDb() && server.version().atLeast(8, 0, 23);
    }

    private static String literal(String value) {
        return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'";
    }
}
