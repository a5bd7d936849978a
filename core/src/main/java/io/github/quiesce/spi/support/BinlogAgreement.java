package io.github.quiesce.spi.support;

import io.github.quiesce.BackupSqlException;
import io.github.quiesce.BinlogCoordinates;
import io.github.quiesce.spi.Sql;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether a (file, position, GTID set) triple describes one moment: the event at the position must
 * start the first transaction that is not in the set. Checked against the binary log itself with
 * {@code SHOW BINLOG EVENTS} (needs REPLICATION SLAVE). Exact for a server whose binary log holds one
 * source's transactions in order, the case of every primary; on a multi-source replica it checks the
 * source of the transaction at the position only.
 */
final class BinlogAgreement {

    static final String EVENT_AT = "SHOW BINLOG EVENTS IN ? FROM ? LIMIT 1";

    /** {@code 'uuid:N'}, or with a MySQL 8.3+ tag {@code 'uuid:tag:N'} (the tag numbers its own sequence). */
    private static final Pattern GTID_NEXT =
            Pattern.compile("GTID_NEXT\\s*=\\s*'([0-9a-fA-F-]{36}(?::[A-Za-z_][A-Za-z0-9_]{0,31})?):(\\d+)'");

    /** What the binary log says of a candidate. */
    sealed interface Verdict permits Agrees, Disagrees, AtEnd {}

    /** The coordinates to return: the ones checked, or a corrected set for the same position. */
    record Agrees(BinlogCoordinates coordinates) implements Verdict {}

    record Disagrees(String why) implements Verdict {}

    /** Nothing can be read at the position: it is the end of the log, or inside an event. */
    record AtEnd() implements Verdict {}

    private BinlogAgreement() {}

    /**
     * @param ownUuid the server's own {@code server_uuid}: a set that lags on this source's transactions
     *                only is corrected rather than re-read, since a source writes its own GTIDs in order
     */
    static Verdict check(Sql sql, BinlogCoordinates c, String ownUuid) {
        Optional<Map<String, String>> event;
        try {
            event = sql.firstRow(EVENT_AT, c.file(), c.position());
        } catch (BackupSqlException e) {
            // The position is not an event boundary (the bug's other face) or the file is gone.
            return new Disagrees("no event starts at " + c.file() + ":" + c.position() + " (" + e.getMessage() + ")");
        }
        if (event.isEmpty()) {
            return new AtEnd();
        }
        String type = event.get().getOrDefault("Event_type", "");
        if (type.equals("Anonymous_Gtid")) {
            return new Agrees(c);
        }
        if (!type.equals("Gtid")) {
            return new Disagrees("the event at " + c.file() + ":" + c.position() + " is " + type
                    + ", not the start of a transaction");
        }
        Optional<Map.Entry<String, Long>> gtid = gtidOf(event.get().getOrDefault("Info", ""));
        if (gtid.isEmpty()) {
            return new Disagrees("cannot read the GTID of the event at " + c.file() + ":" + c.position());
        }
        return nextTransaction(c, gtid.get().getKey(), gtid.get().getValue(), ownUuid);
    }

    /** The source ({@code uuid} or {@code uuid:tag}) and sequence number a Gtid event's Info sets, if it reads as one. */
    static Optional<Map.Entry<String, Long>> gtidOf(String info) {
        Matcher m = GTID_NEXT.matcher(info);
        return m.find() ? Optional.of(Map.entry(m.group(1), Long.parseLong(m.group(2)))) : Optional.empty();
    }

    /**
     * The transaction at the position must be missing from the set, and its predecessor present. Where
     * the set merely lags on the server's own untagged transactions (it ends at N, the position holds N+k),
     * every transaction N+1..N+k-1 is before the position, because a source writes its own GTIDs in order:
     * they are added. Anything else is a disagreement.
     */
    static Verdict nextTransaction(BinlogCoordinates c, String uuid, long sequence, String ownUuid) {
        GtidSet set = GtidSet.parse(c.gtidSet());
        if (set.contains(uuid, sequence)) {
            return new Disagrees(
                    "the set already contains " + uuid + ":" + sequence + ", the transaction at the position");
        }
        if (sequence == 1 || set.contains(uuid, sequence - 1)) {
            return new Agrees(c);
        }
        long last = set.last(uuid);
        if (uuid.equalsIgnoreCase(ownUuid) && last < sequence - 1) {
            GtidSet corrected = set.with(uuid, last + 1, sequence - 1);
            return new Agrees(new BinlogCoordinates(c.file(), c.position(), corrected.toString()));
        }
        return new Disagrees(
                "the set lacks " + uuid + ":" + (sequence - 1) + ", which is before the position (set lags)");
    }
}
