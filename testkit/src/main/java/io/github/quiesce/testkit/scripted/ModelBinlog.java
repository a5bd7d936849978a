package io.github.quiesce.testkit.scripted;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The model's binary log: file, position, events and gtid_executed, written by a group commit in the
 * server's stages. The flush stage writes the transaction's events and moves the position; the commit
 * stage (later, by a sync point's wait in the debug build) makes it visible in InnoDB and adds its GTID to
 * gtid_executed. Between the two the transaction is "in flight": the window PS-7873 was about.
 */
final class ModelBinlog {

    private static final Pattern INTERVAL = Pattern.compile("([0-9a-fA-F-]{36}):(?:1-)?(\\d+)");
    /** Sizes of the events the model writes; only their sum and the Gtid event's end matter. */
    static final int GTID_EVENT = 65;

    static final int DML_TRANSACTION = 300;
    static final int DDL_TRANSACTION = 180;

    /** One event: a transaction's Gtid event, or the rest of it as one Query event. */
    record Event(String file, long position, long end, String type, String info) {}

    private String file;
    private long position;
    private final long start;
    private final String ownUuid;
    /** Source UUID to the last sequence number, each set being 1-N; anything else is kept as text. */
    private final Map<String, Long> executed = new LinkedHashMap<>();

    private final String unparsedGtids;
    private final List<Event> events = new ArrayList<>();
    private int inFlight;
    private long lsn = 19_000_000;
    private long lsnCheckpoint = 18_990_000;

    ModelBinlog(String file, long position, String gtidExecuted, String ownUuid) {
        this.file = file;
        this.position = position;
        this.start = position;
        this.ownUuid = ownUuid;
        String rest = gtidExecuted;
        for (String part : gtidExecuted.split(",")) {
            Matcher m = INTERVAL.matcher(part.trim());
            if (m.matches()) {
                executed.put(m.group(1).toLowerCase(java.util.Locale.ROOT), Long.parseLong(m.group(2)));
                rest = rest.replace(part, "");
            }
        }
        this.unparsedGtids = rest.replace(",", "").trim();
    }

    String file() {
        return file;
    }

    long position() {
        return position;
    }

    String gtidExecuted() {
        StringBuilder sb = new StringBuilder();
        executed.forEach((uuid, last) ->
                sb.append(sb.length() == 0 ? "" : ",").append(uuid).append(last == 1 ? ":1" : ":1-" + last));
        if (!unparsedGtids.isEmpty()) {
            sb.append(sb.length() == 0 ? "" : ",").append(unparsedGtids);
        }
        return sb.toString();
    }

    int inFlight() {
        return inFlight;
    }

    long lsn() {
        return lsn;
    }

    long lsnCheckpoint() {
        return lsnCheckpoint;
    }

    /** Flush stage: the transaction's events are written and the position moves; returns its GTID (or null). */
    String flush(boolean gtids, int size) {
        String gtid = null;
        if (gtids) {
            // Transactions already flushed but not yet committed hold the numbers before this one.
            long next = executed.getOrDefault(ownUuid, 0L) + 1 + inFlight;
            gtid = ownUuid + ":" + next;
            events.add(new Event(
                    file, position, position + GTID_EVENT, "Gtid", "SET @@SESSION.GTID_NEXT= '" + gtid + "'"));
        } else {
            events.add(new Event(
                    file, position, position + GTID_EVENT, "Anonymous_Gtid", "SET @@SESSION.GTID_NEXT= 'ANONYMOUS'"));
        }
        events.add(new Event(file, position + GTID_EVENT, position + size, "Query", "BEGIN"));
        position += size;
        inFlight++;
        return gtid;
    }

    /** Commit stage: the GTID joins gtid_executed; InnoDB's LSN moves. */
    void commit(String gtid) {
        if (gtid != null) {
            executed.merge(ownUuid, 1L, Long::sum);
        }
        inFlight--;
        lsn += 512;
        lsnCheckpoint = lsn - 512;
    }

    /**
     * SHOW BINLOG EVENTS IN file FROM position LIMIT 1: the event that starts there, none at the end of the
     * log, or the server's error for a position inside an event or before what the model wrote.
     */
    Optional<Event> eventAt(String inFile, long at) throws java.sql.SQLException {
        if (!inFile.equals(file) || at > position || at < start) {
            throw new java.sql.SQLException(
                    "Error when executing command SHOW BINLOG EVENTS: Wrong offset or I/O error", "HY000", 1220);
        }
        if (at == position) {
            return Optional.empty();
        }
        for (Event e : events) {
            if (e.position() == at) {
                return Optional.of(e);
            }
        }
        throw new java.sql.SQLException(
                "Error when executing command SHOW BINLOG EVENTS: Wrong offset or I/O error", "HY000", 1220);
    }
}
