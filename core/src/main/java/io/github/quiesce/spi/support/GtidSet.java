package io.github.quiesce.spi.support;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A MySQL GTID set ({@code uuid:1-5:7,uuid2:1-3}) as intervals per source UUID, for comparing what a
 * status row says with what the binary log holds. Not for MariaDB's {@code domain-server-seq} positions.
 *
 * <p>MySQL 8.3+ tags: {@code uuid:1-42:mysqlsh:1-7} holds untagged transactions 1-42 and
 * {@code uuid:mysqlsh} transactions 1-7 (InnoDB Cluster's AdminAPI writes the {@code mysqlsh} tag). A
 * tag is {@code [A-Za-z_][A-Za-z0-9_]{0,31}}, case-insensitive; each tag numbers its transactions on its
 * own, so a tagged source is keyed {@code uuid:tag} wherever this class takes a "uuid".
 */
final class GtidSet {

    private static final Pattern UUID =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Pattern INTERVAL = Pattern.compile("\\d{1,19}(-\\d{1,19})?");
    private static final Pattern TAG = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,31}");
    private static final int UUID_LENGTH = 36;

    /** Per lower-case {@code uuid} or {@code uuid:tag}, closed intervals [from, to] sorted and merged. */
    private final Map<String, List<long[]>> intervals;

    private GtidSet(Map<String, List<long[]>> intervals) {
        this.intervals = intervals;
    }

    /** Parses a set as {@code @@gtid_executed} prints it (whitespace, including newlines, is ignored). */
    public static GtidSet parse(String text) {
        Map<String, List<long[]>> map = new TreeMap<>();
        String s = text == null ? "" : text.replaceAll("\\s+", "");
        if (s.isEmpty()) {
            return new GtidSet(map);
        }
        for (String uuidSet : s.split(",")) {
            String[] parts = uuidSet.split(":");
            if (parts.length < 2 || !UUID.matcher(parts[0]).matches()) {
                throw notAGtidSet(text);
            }
            String uuid = parts[0].toLowerCase(Locale.ROOT);
            String key = uuid;
            boolean intervalSinceTag = true;
            for (int i = 1; i < parts.length; i++) {
                if (TAG.matcher(parts[i]).matches() && intervalSinceTag) {
                    key = uuid + ":" + parts[i].toLowerCase(Locale.ROOT);
                    intervalSinceTag = false;
                    continue;
                }
                if (!INTERVAL.matcher(parts[i]).matches()) {
                    throw notAGtidSet(text);
                }
                String[] range = parts[i].split("-");
                long from = Long.parseLong(range[0]);
                map.computeIfAbsent(key, k -> new ArrayList<>())
                        .add(new long[] {from, range.length > 1 ? Long.parseLong(range[1]) : from});
                intervalSinceTag = true;
            }
            if (!intervalSinceTag) {
                throw notAGtidSet(text);
            }
        }
        map.replaceAll((uuid, list) -> merge(list));
        return new GtidSet(map);
    }

    private static IllegalArgumentException notAGtidSet(String text) {
        return new IllegalArgumentException("not a MySQL GTID set: '" + text + "'");
    }

    private static List<long[]> merge(List<long[]> list) {
        list.sort((a, b) -> Long.compare(a[0], b[0]));
        List<long[]> merged = new ArrayList<>();
        for (long[] r : list) {
            long[] last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
            if (last != null && r[0] <= last[1] + 1) {
                last[1] = Math.max(last[1], r[1]);
            } else {
                merged.add(new long[] {r[0], r[1]});
            }
        }
        return Collections.unmodifiableList(merged);
    }

    public boolean contains(String uuid, long sequence) {
        for (long[] r : intervals.getOrDefault(uuid.toLowerCase(Locale.ROOT), List.of())) {
            if (sequence >= r[0] && sequence <= r[1]) {
                return true;
            }
        }
        return false;
    }

    /** The highest sequence number of {@code uuid} in the set, 0 when it has none. */
    public long last(String uuid) {
        List<long[]> list = intervals.getOrDefault(uuid.toLowerCase(Locale.ROOT), List.of());
        return list.isEmpty() ? 0 : list.get(list.size() - 1)[1];
    }

    /** This set plus {@code uuid:from-to}. */
    public GtidSet with(String uuid, long from, long to) {
        return parse(this + (isEmpty() ? "" : ",") + uuid.toLowerCase(Locale.ROOT) + ":" + from + "-" + to);
    }

    /** Whether every transaction of {@code other} is in this set. */
    public boolean containsAll(GtidSet other) {
        for (Map.Entry<String, List<long[]>> e : other.intervals.entrySet()) {
            for (long[] r : e.getValue()) {
                if (!covers(e.getKey(), r)) {
                    return false;
                }
            }
        }
        return true;
    }

    private boolean covers(String uuid, long[] range) {
        for (long[] r : intervals.getOrDefault(uuid, List.of())) {
            if (range[0] >= r[0] && range[1] <= r[1]) {
                return true;
            }
        }
        return false;
    }

    /** Number of transactions in the set. */
    public long size() {
        long n = 0;
        for (List<long[]> list : intervals.values()) {
            for (long[] r : list) {
                n += r[1] - r[0] + 1;
            }
        }
        return n;
    }

    public boolean isEmpty() {
        return intervals.isEmpty();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GtidSet other && toString().equals(other.toString());
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }

    /** Canonical form: UUIDs in order, lower case, untagged intervals before each tag's, merged, no whitespace. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        String[] previousUuid = {""};
        intervals.forEach((key, list) -> {
            String uuid = key.substring(0, UUID_LENGTH);
            if (!uuid.equals(previousUuid[0])) {
                sb.append(sb.length() > 0 ? "," : "").append(uuid);
                previousUuid[0] = uuid;
            }
            if (key.length() > UUID_LENGTH) {
                sb.append(key, UUID_LENGTH, key.length());
            }
            for (long[] r : list) {
                sb.append(':').append(r[0]);
                if (r[1] != r[0]) {
                    sb.append('-').append(r[1]);
                }
            }
        });
        return sb.toString();
    }
}
