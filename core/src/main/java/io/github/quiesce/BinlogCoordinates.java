package io.github.quiesce;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A point in the server's binary log: the first byte after the last transaction included in the
 * backup, and the set of GTIDs executed up to it.
 *
 * @param file     binary log file name, e.g. {@code binlog.000003}
 * @param position byte offset in that file
 * @param gtidSet  MySQL {@code gtid_executed} (newlines removed) or MariaDB {@code @@gtid_binlog_pos}
 *                 as the server prints it; empty when GTIDs are off, never null
 * @param sources  on a replica, where each of its sources was at this point, one per channel (MySQL) or
 *                 connection (MariaDB multi-source); empty otherwise (see {@link #replicaSources()})
 * @param galera   on a Galera node, the node's cluster position read at the same point (null otherwise; see
 *                 {@link #galeraPosition()})
 */
public record BinlogCoordinates(
        String file, long position, String gtidSet, List<ReplicaSource> sources, GaleraPosition galera) {

    public BinlogCoordinates(String file, long position, String gtidSet) {
        this(file, position, gtidSet, List.of(), null);
    }

    /** @param source the replica's one source, or null */
    public BinlogCoordinates(String file, long position, String gtidSet, ReplicaSource source) {
        this(file, position, gtidSet, source == null ? List.of() : List.of(source), null);
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
        sources = sources == null ? List.of() : List.copyOf(sources);
    }

    /**
     * On a replica with one source, read by a strategy that captures it (e.g. {@code read-only}): its
     * source's coordinates.
     *
     * @throws IllegalStateException on a multi-source replica, whose sources only {@link #replicaSources()} gives:
     *     one of them alone would be a point that loses the others' transactions
     */
    public Optional<ReplicaSource> replicaSource() {
        if (sources.size() > 1) {
            throw new IllegalStateException("This replica has " + sources.size() + " sources (channels "
                    + sources.stream().map(s -> "'" + s.channel() + "'").collect(Collectors.joining(", "))
                    + "): read them all with replicaSources()");
        }
        return sources.stream().findFirst();
    }

    /** On a replica read by a strategy that captures it: each source's coordinates, in the server's channel order. */
    public List<ReplicaSource> replicaSources() {
        return sources;
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
        return withSources(List.of(Objects.requireNonNull(replicaSource, "replicaSource")));
    }

    /** The same point, with the coordinates of each of the replica's sources. */
    public BinlogCoordinates withSources(List<ReplicaSource> replicaSources) {
        return new BinlogCoordinates(file, position, gtidSet, replicaSources, galera);
    }

    /** The same point, with the Galera node's cluster position read under the same lock. */
    public BinlogCoordinates withGalera(GaleraPosition galeraPosition) {
        return new BinlogCoordinates(
                file, position, gtidSet, sources, Objects.requireNonNull(galeraPosition, "galeraPosition"));
    }

    /** {@code file:position gtidSet}, e.g. {@code binlog.000001:1234 3E11FA47-...:1-5}; then {@code galera uuid:seqno} on a Galera node. */
    @Override
    public String toString() {
        return file + ":" + position + (gtidSet.isEmpty() ? "" : " " + gtidSet)
                + sources.stream()
                        .map(s -> " (source " + (s.channel().isEmpty() ? "" : "'" + s.channel() + "' ") + s.host() + ":"
                                + s.port() + " " + s.logFile() + ":" + s.logPosition() + ")")
                        .collect(Collectors.joining())
                + (galera == null ? "" : " galera " + galera);
    }
}
