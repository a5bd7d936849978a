package io.github.quiesce.testkit.scripted;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The model's one user schema: tables with their engine and rows. InnoDB rows are versioned by commit
 * sequence number, so a consistent snapshot (and its clones) keeps reading the rows of its instant.
 */
final class ModelTables {

    /** What LOCK TABLES FOR BACKUP blocks (Percona's documentation: MyISAM, CSV, MEMORY, ARCHIVE, TokuDB). */
    private static final Set<String> NON_TRANSACTIONAL =
            Set.of("MYISAM", "MEMORY", "HEAP", "CSV", "ARCHIVE", "MRG_MYISAM", "TOKUDB");

    static final long NEVER = Long.MAX_VALUE;

    /** One row version: visible to a reader at sequence s when born <= s < died. */
    static final class Row {
        final int value;
        final long born;
        long died = NEVER;

        Row(int value, long born) {
            this.value = value;
            this.born = born;
        }
    }

    static final class Table {
        final String name;
        final String engine;
        final boolean delayKeyWrite;
        final List<Row> rows = new ArrayList<>();

        Table(String name, String engine, boolean delayKeyWrite) {
            this.name = name;
            this.engine = engine.toUpperCase(Locale.ROOT);
            this.delayKeyWrite = delayKeyWrite;
        }

        boolean nonTransactional() {
            return NON_TRANSACTIONAL.contains(engine);
        }

        boolean transactional() {
            return engine.equals("INNODB") || engine.equals("ROCKSDB");
        }

        boolean blackhole() {
            return engine.equals("BLACKHOLE");
        }

        List<Integer> visibleAt(long sequence) {
            List<Integer> values = new ArrayList<>();
            for (Row r : rows) {
                if (r.born <= sequence && sequence < r.died) {
                    values.add(r.value);
                }
            }
            return values;
        }

        /** Applies one DML statement as of commit sequence {@code sequence}. */
        void apply(ModelStatement st, long sequence) {
            if (blackhole()) {
                return;
            }
            switch (st.kind()) {
                case INSERT, REPLACE -> st.values().forEach(v -> rows.add(new Row(v, sequence)));
                case DELETE -> rows.stream().filter(r -> r.died == NEVER).forEach(r -> r.died = sequence);
                case UPDATE -> {
                    int live = 0;
                    for (Row r : rows) {
                        if (r.died == NEVER) {
                            r.died = sequence;
                            live++;
                        }
                    }
                    for (int i = 0; i < live; i++) {
                        rows.add(new Row(st.values().get(0), sequence));
                    }
                }
                default -> throw new IllegalArgumentException(st.kind().toString());
            }
        }
    }

    private final Map<String, Table> tables = new LinkedHashMap<>();
    private final Set<String> databases =
            new java.util.HashSet<>(Set.of("test", "mysql", "performance_schema", "information_schema", "sys"));

    Table get(String name) {
        return tables.get(name);
    }

    void create(String name, String engine, boolean delayKeyWrite) {
        tables.put(name, new Table(name, engine, delayKeyWrite));
    }

    void drop(String name) {
        tables.remove(name);
    }

    void rename(String from, String to) {
        Table t = tables.remove(from);
        tables.put(to, new Table(to, t.engine, t.delayKeyWrite));
        tables.get(to).rows.addAll(t.rows);
    }

    boolean hasDatabase(String name) {
        return databases.contains(name);
    }

    void createDatabase(String name) {
        databases.add(name);
    }

    /** Dropping the user schema drops every table in it (the model has no other). */
    void dropDatabase(String name) {
        databases.remove(name);
        if (name.equals("test")) {
            tables.clear();
        }
    }

    List<String> delayedKeyWriteMyisam() {
        return tables.values().stream()
                .filter(t -> t.engine.equals("MYISAM") && t.delayKeyWrite)
                .map(t -> "test." + t.name)
                .toList();
    }
}
