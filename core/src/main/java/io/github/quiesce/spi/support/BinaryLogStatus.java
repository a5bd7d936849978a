package io.github.quiesce.spi.support;

import io.github.quiesce.BinlogCoordinates;
import io.github.quiesce.CoordinatesUnavailableException;
import io.github.quiesce.ServerInfo;
import io.github.quiesce.spi.PrivilegeRequirement;
import io.github.quiesce.spi.Sql;
import java.util.List;
import java.util.Map;

/**
 * Reads the binary log file, position and GTID state with the statements this server understands, and on a
 * Galera node its cluster position ({@link Galera#withPosition}).
 * Only meaningful while something stops commits (a global read lock, {@code BACKUP STAGE BLOCK_COMMIT},
 * {@code LOCK BINLOG FOR BACKUP}); otherwise the three values may describe different moments.
 */
public final class BinaryLogStatus {

    /** MariaDB keeps its GTID position in a variable, not in the status row. */
    static final String MARIADB_GTID_POSITION = "SELECT @@GLOBAL.gtid_binlog_pos";

    private BinaryLogStatus() {}

    /** The privilege the status statement needs, or none when the binary log is off. */
    public static List<PrivilegeRequirement> requirements(ServerInfo server) {
        if (!server.binaryLogEnabled()) {
            return List.of();
        }
        return List.of(new PrivilegeRequirement(server.binaryLogStatusPrivileges(), server.binaryLogStatusStatement()));
    }

    /** Reads the coordinates now, on the given connection. */
    public static BinlogCoordinates read(Sql sql, ServerInfo server) {
        if (!server.binaryLogEnabled()) {
            throw disabled(server);
        }
        String statement = server.binaryLogStatusStatement();
        Map<String, String> row = sql.firstRow(statement).orElseThrow(() -> disabled(server));
        String file = row.get("File");
        String position = row.get("Position");
        if (file == null || position == null) {
            throw new CoordinatesUnavailableException(
                    statement + " on " + server + " returned no File/Position columns: " + row.keySet());
        }
        String gtid = server.isMariaDb() ? sql.scalar(MARIADB_GTID_POSITION) : row.get("Executed_Gtid_Set");
        // On a Galera node the lock that stops commits here also pauses the applier: its seqno belongs to this point.
        return Galera.withPosition(
                sql, server, new BinlogCoordinates(file, Long.parseLong(position), normalizeGtidSet(gtid)));
    }

    /** MySQL prints a newline after each comma of a multi-source GTID set; the set itself has no whitespace. */
    public static String normalizeGtidSet(String gtidSet) {
        return gtidSet == null ? "" : gtidSet.replaceAll("\\s+", "");
    }

    /** The error for a server whose binary log is off. */
    public static CoordinatesUnavailableException disabled(ServerInfo server) {
        return new CoordinatesUnavailableException("The binary log is disabled on " + server
                + " (log_bin=OFF): there are no binlog coordinates to give. Start the server with --log-bin"
                + " if you need them; the lock itself is held and the backup is consistent.");
    }
}
