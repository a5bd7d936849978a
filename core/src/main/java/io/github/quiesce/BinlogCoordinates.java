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
 * @param galera   on a Galera node, the node's cluster position read at the same point (null otherwise; see
 *                 {@link #galeraPosition()})
 */
public record BinlogCoordinates(
        String file, long position, String gtidSet, ReplicaSource source, GaleraPosition galera) {

    public BinlogCoordinates(String file, long position, String gtidSet) {
        this(file, position, gtidSet, null, null);
    }

    public BinlogCoordinates(String file, long position, String gtidSet, ReplicaSource source) {
        this(file, position, gtidSet, source, null);
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

    /**
     * On a Galera node: {@code wsrep_local_state_uuid:wsrep_last_committed} read at this same point, while the
     * node applied nothing, what a node restored from the backup needs to join its cluster by IST (the content
     * of {@code xtrabackup_galera_info}).
     */
    public Optional<GaleraPosition> galeraPosition() {
        return Optional.ofNullable(galera);
    }

    /** The same point, with the replica's source coordinates. */
    public BinlogCoordinates withSource(ReplicaSource replicaSource) {
        return new BinlogCoordinates(
                file, position, gtidSet, Objects.requireNonNull(replicaSource, "replicaSource"), galera);
    }

    /** The same point, with the Galera node's cluster position read under the same lock. */
    public BinlogCoordinates withGalera(GaleraPosition galeraPosition) {
        return new BinlogCoordinates(
                file, position, gtidSet, source, Objects.requireNonNull(galeraPosition, "galeraPosition"));
    }

    /** {@code file:position gtidSet}, e.g. {@code binlog.000001:1234 3E11FA47-...:1-5}; then {@code galera uuid:seqno} on a Galera node. */
    @Override
    public String toString() {
        return file + ":" + position + (gtidSet.isEmpty() ? "" : " " + gtidSet)
                + (source == null
                        ? ""
                        : " (source " + source.host() + ":" + source.port() + " " + source.logFile() + ":"
                                + source.logPosition() + ")")
                + (galera == null ? "" : " galera " + galera);
    }
}
