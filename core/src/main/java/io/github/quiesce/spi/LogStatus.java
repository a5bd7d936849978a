package io.github.quiesce.spi;

import io.github.quiesce.BinlogCoordinates;
import io.github.quiesce.CoordinatesUnavailableException;
import io.github.quiesce.ServerInfo;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads {@code performance_schema.log_status} (MySQL and Percona Server 8.0.14+): the binary log
 * position and {@code gtid_executed} taken together without blocking commits. Needs BACKUP_ADMIN.
 *
 * <p>Affected by MySQL Bug #102175 / #32442772 (fixed in MySQL 8.0.42; Percona PS-7873, fixed in
 * 8.0.27-18): under concurrent commits the GTID set can lag the position. Callers on affected versions
 * must verify what they read against the binary log.
 */
public final class LogStatus {

    static final String QUERY = "SELECT LOCAL FROM performance_schema.log_status";

    private static final Pattern FILE = Pattern.compile("\"binary_log_file\"\\s*:\\s*\"([^\"]*)\"");
    private static final Pattern POSITION = Pattern.compile("\"binary_log_position\"\\s*:\\s*(\\d+)");
    private static final Pattern GTID = Pattern.compile("\"gtid_executed\"\\s*:\\s*\"([^\"]*)\"");

    private LogStatus() {
    }

    public static BinlogCoordinates read(Sql sql, ServerInfo server) {
        if (!server.binaryLogEnabled()) {
            throw BinaryLogStatus.disabled(server);
        }
        if (!server.hasLogStatus()) {
            throw new CoordinatesUnavailableException(server + " has no performance_schema.log_status (MySQL/Percona 8.0.14 and later)");
        }
        String local = sql.scalar(QUERY);
        if (local == null) {
            throw new CoordinatesUnavailableException(QUERY + " returned no row on " + server);
        }
        return parse(local, server);
    }

    static BinlogCoordinates parse(String localJson, ServerInfo server) {
        Matcher file = FILE.matcher(localJson);
        Matcher position = POSITION.matcher(localJson);
        if (!file.find() || !position.find()) {
            throw new CoordinatesUnavailableException("performance_schema.log_status on " + server
                    + " has no binary log position (is the binary log on?): " + localJson);
        }
        Matcher gtid = GTID.matcher(localJson);
        String gtidSet = gtid.find() ? gtid.group(1).replace("\\n", "") : "";
        return new BinlogCoordinates(file.group(1), Long.parseLong(position.group(1)), BinaryLogStatus.normalizeGtidSet(gtidSet));
    }
}
