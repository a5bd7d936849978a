package io.github.quiesce;

import java.util.Objects;

/**
 * A point in the server's binary log: the first byte after the last transaction included in the
 * backup, and the set of GTIDs executed up to it.
 *
 * @param file     binary log file name, e.g. {@code binlog.000003}
 * @param position byte offset in that file
 * @param gtidSet  MySQL {@code gtid_executed} (newlines removed) or MariaDB {@code @@gtid_binlog_pos}
 *                 as the server prints it; empty when GTIDs are off, never null
 */
public record BinlogCoordinates(String file, long position, String gtidSet) {

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

    /** {@code file:position gtidSet}, e.g. {@code binlog.000001:1234 3E11FA47-...:1-5}. */
    @Override
    public String toString() {
        return file + ":" + position + (gtidSet.isEmpty() ? "" : " " + gtidSet);
    }
}
