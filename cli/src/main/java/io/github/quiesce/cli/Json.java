package io.github.quiesce.cli;

import io.github.quiesce.BinlogCoordinates;
import io.github.quiesce.ReplicaSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Just enough JSON writing for one object of strings, numbers and lists of such objects: the CLI's line
 * and the examples'.
 */
public final class Json {

    private Json() {}

    /**
     * The coordinates as fields, in the order the CLI and every example print them: strategy, file,
     * position, GTID set, then the source's when the server is a replica, then {@code galeraPosition}
     * ({@code uuid:seqno}) on a Galera node. Add more and pass to {@link #object}.
     *
     * @param strategy the strategy that held the point
     * @param c        the coordinates read under it
     * @return a mutable map, in printing order
     */
    public static Map<String, Object> coordinates(String strategy, BinlogCoordinates c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("strategy", strategy);
        m.put("file", c.file());
        m.put("position", c.position());
        m.put("gtidSet", c.gtidSet());
        List<ReplicaSource> sources = c.replicaSources();
        if (sources.size() == 1 && sources.get(0).channel().isEmpty()) {
            ReplicaSource src = sources.get(0);
            m.put("sourceHost", src.host());
            m.put("sourcePort", src.port());
            m.put("sourceLogFile", src.logFile());
            m.put("sourceLogPosition", src.logPosition());
            m.put("sourceGtidSet", src.gtidSet());
            m.put("changeSource", src.changeSourceStatement());
        } else if (!sources.isEmpty()) {
            // A multi-source replica: one object per channel, never one channel in the flat fields.
            m.put("replicaSources", sources.stream().map(Json::source).toList());
        }
        c.galeraPosition().ifPresent(g -> m.put("galeraPosition", g.toString()));
        return m;
    }

    private static Map<String, Object> source(ReplicaSource src) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("channel", src.channel());
        m.put("host", src.host());
        m.put("port", src.port());
        m.put("logFile", src.logFile());
        m.put("logPosition", src.logPosition());
        m.put("gtidSet", src.gtidSet());
        m.put("changeSource", src.changeSourceStatement());
        m.put("changeSourceByGtid", src.changeSourceByGtidStatement());
        return m;
    }

    /**
     * @param fields names and values: doubles are written with one decimal, other numbers as they are, a
     *               list as an array of objects (its elements maps like this one), anything else as a string
     * @return one JSON object on one line
     */
    @SuppressWarnings("unchecked")
    public static String object(Map<String, Object> fields) {
        StringBuilder sb = new StringBuilder("{");
        fields.forEach((k, v) -> {
            if (sb.length() > 1) {
                sb.append(',');
            }
            sb.append(quote(k)).append(':');
            if (v instanceof Double d) {
                sb.append(String.format(Locale.ROOT, "%.1f", d));
            } else if (v instanceof Number n) {
                sb.append(n);
            } else if (v instanceof List<?> list) {
                sb.append('[');
                for (int i = 0; i < list.size(); i++) {
                    sb.append(i == 0 ? "" : ",").append(object((Map<String, Object>) list.get(i)));
                }
                sb.append(']');
            } else {
                sb.append(quote(String.valueOf(v)));
            }
        });
        return sb.append('}').toString();
    }

    /**
     * @param s any text
     * @return it as a JSON string literal
     */
    public static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
