package io.github.quiesce.testkit;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Counting transactions in GTID sets, to compare with row counts. */
public final class Gtids {

    private static final Pattern MARIADB_GTID = Pattern.compile("(\\d+)-(\\d+)-(\\d+)");

    private Gtids() {}

    /**
     * Number of transactions in a MySQL GTID set ({@code uuid:1-5:7,uuid2:1-3}) or, for MariaDB, the sum
     * of the sequence numbers of a {@code @@gtid_binlog_pos} ({@code 0-1-57}: 57 transactions on one server).
     */
    public static long count(String gtidSet) {
        if (gtidSet == null || gtidSet.isBlank()) {
            return 0;
        }
        String s = gtidSet.replaceAll("\\s+", "");
        if (!s.contains(":")) {
            long sum = 0;
            Matcher m = MARIADB_GTID.matcher(s);
            while (m.find()) {
                sum += Long.parseLong(m.group(3));
            }
            return sum;
        }
        long total = 0;
        for (String uuidSet : s.split(",")) {
            String[] parts = uuidSet.split(":");
            for (int i = 1; i < parts.length; i++) {
                String[] range = parts[i].split("-");
                long from = Long.parseLong(range[0]);
                long to = range.length > 1 ? Long.parseLong(range[1]) : from;
                total += to - from + 1;
            }
        }
        return total;
    }

    /** Number of transactions of one server ({@code serverUuid}) in a MySQL GTID set: a replica's set also holds its source's. */
    public static long count(String gtidSet, String serverUuid) {
        if (gtidSet == null || gtidSet.isBlank()) {
            return 0;
        }
        String prefix = serverUuid.toLowerCase(Locale.ROOT) + ":";
        return Stream.of(gtidSet.replaceAll("\\s+", "").split(","))
                .filter(s -> s.toLowerCase(Locale.ROOT).startsWith(prefix))
                .mapToLong(Gtids::count)
                .sum();
    }

    /** What the server has executed: {@code @@gtid_executed}, or MariaDB's {@code @@gtid_binlog_pos}; blanks removed. */
    public static String executed(EmbeddedServer server) {
        String set = ServerChecks.scalar(
                server,
                server.distribution().isMariaDb()
                        ? "SELECT @@GLOBAL.gtid_binlog_pos"
                        : "SELECT @@GLOBAL.gtid_executed");
        return set == null ? "" : set.replaceAll("\\s+", "");
    }

    /**
     * The transactions that originated on {@code server} in a set that may hold others' too (a replica's, or
     * a multi-source replica's): MySQL by the server's {@code server_uuid}, MariaDB by its
     * {@code gtid_domain_id} (one domain per source, as multi-source MariaDB needs).
     */
    public static long countOf(EmbeddedServer server, String gtidSet) {
        if (!server.distribution().isMariaDb()) {
            return count(gtidSet, ServerChecks.scalar(server, "SELECT @@GLOBAL.server_uuid"));
        }
        String domain = ServerChecks.scalar(server, "SELECT @@GLOBAL.gtid_domain_id");
        Matcher m = MARIADB_GTID.matcher(gtidSet == null ? "" : gtidSet);
        while (m.find()) {
            if (m.group(1).equals(domain)) {
                return Long.parseLong(m.group(3));
            }
        }
        return 0;
    }

    /**
     * The GTID of the transaction that should follow {@code gtidSet} on a server whose own transactions
     * are the only ones in it: {@code uuid:N+1} (MySQL) or {@code domain-server-(N+1)} (MariaDB, one domain).
     */
    public static String next(String gtidSet, String serverUuidOrNull) {
        String s = gtidSet.replaceAll("\\s+", "");
        if (!s.contains(":")) {
            Matcher m = MARIADB_GTID.matcher(s);
            if (!m.find()) {
                throw new IllegalArgumentException("no MariaDB GTID in '" + gtidSet + "'");
            }
            return m.group(1) + "-" + m.group(2) + "-" + (Long.parseLong(m.group(3)) + 1);
        }
        for (String uuidSet : s.split(",")) {
            String[] parts = uuidSet.split(":");
            if (serverUuidOrNull == null || parts[0].equalsIgnoreCase(serverUuidOrNull)) {
                String last = parts[parts.length - 1];
                String[] range = last.split("-");
                long to = Long.parseLong(range[range.length - 1]);
                return parts[0] + ":" + (to + 1);
            }
        }
        throw new IllegalArgumentException("no GTIDs of " + serverUuidOrNull + " in '" + gtidSet + "'");
    }
}
