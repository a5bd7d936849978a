package io.github.quiesce.testkit.restore;

import io.github.quiesce.BinlogCoordinates;
import io.github.quiesce.ReplicaSource;
import java.util.regex.Pattern;

/**
 * Where in the source's binary log a copy's replication starts, whichever way the point was obtained
 * (a session on the source, a replica's view of its source, or the deliberately wrong reference).
 * Values end up inside CHANGE MASTER TO, which takes no parameters, so they are validated here.
 *
 * @param file     the source's binary log file
 * @param position the offset in it
 * @param gtidSet  MySQL GTID set or MariaDB GTID position; "" when the source logs no GTIDs
 */
public record ReplayPoint(String file, long position, String gtidSet) {

    private static final Pattern FILE = Pattern.compile("[A-Za-z0-9._-]{1,200}");
    private static final Pattern GTIDS = Pattern.compile("[0-9A-Fa-f:,\\- ]*");

    public ReplayPoint {
        if (!FILE.matcher(file).matches() || position < 4) {
            throw new IllegalArgumentException("not a binary log position: " + file + ":" + position);
        }
        gtidSet = gtidSet == null ? "" : gtidSet.replaceAll("\\s+", "");
        if (!GTIDS.matcher(gtidSet).matches()) {
            throw new IllegalArgumentException("not a GTID set: " + gtidSet);
        }
    }

    public static ReplayPoint of(BinlogCoordinates c) {
        return new ReplayPoint(c.file(), c.position(), c.gtidSet());
    }

    /** A replica's coordinates of its source, for a copy taken from the replica but replayed from the source. */
    public static ReplayPoint of(ReplicaSource s) {
        return new ReplayPoint(s.logFile(), s.logPosition(), s.gtidSet());
    }

    @Override
    public String toString() {
        return file + ":" + position + (gtidSet.isEmpty() ? "" : " " + gtidSet);
    }
}
