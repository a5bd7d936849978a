package io.github.quiesce;

import java.util.Objects;
import java.util.Optional;

/**
 * A point in the server's binary log: the first byte after the last transaction included in the
 * backup, and the set of GTIDs executed up to it.
 *
 * @param file     binary log file name, e.g. {@code binlog.000003}
 * @param position byte offset in that file
 * @param gtidSet  MySQL {@code gtid_executed} (newlines removed) or MariaDB {@code @@gtid_binlog_pos}
 *                 as the server prints it; empty when GTIDs are off, never null
 * @param source   on a replica, where its source was at this point (null otherwise; see {@link #replicaSource()})
 */
public record BinlogCoordinates(String file, long position, String gtidSet, ReplicaSource source) {

    public BinlogCoordinates(String file, long position, String gtidSet) {
        this(file, position, gtidSet, null);
    }

    public BinlogCoordinates {
        Objects.requireNonNull(file, "file");
        if (file.isBlank()) {
            throw new IllegalArgumentException("binlog file name must not be blank");
        }
        if (position < 0) {
            throw new IllegalArgumentException("binlog position must not be negative: " + position);
        }
        gtidSet = gtidSet == null ? "" : gtidSet;
    }

    /** On a replica read by a strategy that captures it (e.g. {@code read-only}): its source's coordinates. */
    public Optional<ReplicaSource> replicaSource() {
        return Optional.ofNullable(source);
    }

    /** The same point, with the replica's source coordinates. */
    public BinlogCoordinates withSource(ReplicaSource replicaSource) {
        return new BinlogCoordinates(file, position, gtidSet, Objects.requireNonNull(replicaSource, "replicaSource"));
    }

    /** {@code file:position gtidSet}, e.g. {@code binlog.000001:1234 3E11FA47-...:1-5}. */
    @Override
    public String toString() {
        return file + ":" + position + (gtidSet.isEmpty() ? "" : " " + gtidSet)
                + (source == null ? "" : " (source " + source.host() + ":" + source.port() + " " + source.logFile() + ":" + source.logPosition() + ")");
    }
}
