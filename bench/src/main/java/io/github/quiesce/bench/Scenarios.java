package io.github.quiesce.bench;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The scenarios of the benchmark issues: idle, a long SELECT (old or young), FTWRL forced, many open tables,
 * snapshot workers, many writers on the log_status path. Each has a key for {@code --scenarios}.
 */
final class Scenarios {

    static final String IDLE = "idle";
    static final String LONG_SELECT = "long-select";
    static final String YOUNG_SELECT = "young-select";
    static final String FTWRL_FORCED = "ftwrl-forced";
    static final String TABLES = "tables";
    static final String SNAPSHOTS = "snapshots";
    static final String BUSY = "busy-log-status";
    static final List<String> KEYS = List.of(IDLE, LONG_SELECT, YOUNG_SELECT, FTWRL_FORCED, TABLES, SNAPSHOTS, BUSY);

    /** The end of the log_status scenario's name. */
    static final String BUSY_SUFFIX = "writers, log_status path";

    /** How long before the tool the young query starts: the guard must see a query it has barely had time to notice. */
    static final long YOUNG_MILLIS = 20;

    private Scenarios() {}

    static List<Scenario> all(Bench.Config config) {
        List<Scenario> s = new ArrayList<>();
        if (config.runs(IDLE)) {
            s.add(idle());
        }
        if (config.runs(LONG_SELECT)) {
            s.add(longSelect(config.longQuerySeconds()));
        }
        if (config.runs(YOUNG_SELECT)) {
            s.add(youngSelect(config.longQuerySeconds()));
        }
        if (config.runs(FTWRL_FORCED)) {
            s.add(ftwrlForced(config.longQuerySeconds()));
        }
        if (config.runs(TABLES)) {
            for (int n : config.tableCounts()) {
                s.add(openTables(n));
            }
        }
        if (config.runs(SNAPSHOTS)) {
            for (int n : config.snapshotCounts()) {
                s.add(snapshotWorkers(n));
            }
        }
        if (config.runs(BUSY)) {
            s.add(busyLogStatus(config.busyWriters(), config.busyRuns()));
        }
        return s;
    }

    static Scenario idle() {
        return new Scenario() {
            public String name() {
                return "idle";
            }

            public boolean appliesTo(Target target) {
                return true;
            }
        };
    }

    /** A long SELECT on the written table, running for a second and more when the tool starts. */
    static Scenario longSelect(int seconds) {
        return new Scenario() {
            public String name() {
                return seconds + " s SELECT on the written table";
            }

            public boolean appliesTo(Target target) {
                return true;
            }

            public AutoCloseable beforeRun(Target target) throws InterruptedException {
                return longQuery(target.server(), seconds, 1_200);
            }
        };
    }

    /**
     * The same query started {@value #YOUNG_MILLIS} ms before the tool: too young for a guard that counts whole
     * seconds, old enough to be running when the lock is requested. Named so that it never matches the long
     * SELECT's name.
     */
    static Scenario youngSelect(int seconds) {
        return new Scenario() {
            public String name() {
                return "SELECT of " + seconds + " s on the written table, started " + YOUNG_MILLIS + " ms before";
            }

            public boolean appliesTo(Target target) {
                return true;
            }

            public Set<String> tools() {
                return Set.of(
                        Tools.NONE,
                        "raw FTWRL",
                        "raw LOCK INSTANCE + log_status",
                        "raw BACKUP STAGE",
                        Tools.MYDUMPER,
                        Tools.MYDUMPER_TRX,
                        Tools.MARIABACKUP,
                        "quiesce auto",
                        "quiesce ftwrl");
            }

            public AutoCloseable beforeRun(Target target) throws InterruptedException {
                return longQuery(target.server(), seconds, YOUNG_MILLIS);
            }
        };
    }

    /**
     * Many writers, and the instance lock's coordinates: on MySQL before 8.0.42 log_status is re-read until it
     * agrees with the binary log, which a busy server may never let happen; the session then refuses. The
     * report gives how often it held and the refusal.
     */
    static Scenario busyLogStatus(int writers, int runs) {
        return new Scenario() {
            public String name() {
                return writers + " " + BUSY_SUFFIX;
            }

            public boolean appliesTo(Target target) {
                return !target.isMariaDb();
            }

            public int writers() {
                return writers;
            }

            public int reps(Bench.Config config) {
                return runs;
            }

            public Set<String> tools() {
                return Set.of(
                        Tools.NONE, "raw LOCK INSTANCE + log_status", "quiesce mysql-instance-lock", "quiesce auto");
            }
        };
    }

    /** A MyISAM table makes auto fall back to FTWRL on MySQL; the same long SELECT runs. */
    static Scenario ftwrlForced(int seconds) {
        return new Scenario() {
            public String name() {
                return "FTWRL forced (MyISAM table) + " + seconds + " s SELECT";
            }

            public boolean appliesTo(Target target) {
                return !target.isMariaDb();
            }

            public Set<String> tools() {
                return Set.of(Tools.NONE, "raw FTWRL", "quiesce auto");
            }

            public void prepare(Target target) {
                target.server()
                        .execute("CREATE TABLE IF NOT EXISTS " + Bench.SCHEMA
                                + ".legacy (id INT PRIMARY KEY) ENGINE=MyISAM");
            }

            public AutoCloseable beforeRun(Target target) throws InterruptedException {
                return longQuery(target.server(), seconds, 1_200);
            }

            public void finish(Target target) {
                target.server().execute("DROP TABLE IF EXISTS " + Bench.SCHEMA + ".legacy");
            }
        };
    }

    /**
     * A parallel dump's session: {@code n} snapshot connections at the point, taken from a DataSource that
     * opens a new physical connection each time (connect and authenticate, as a dump tool's workers do),
     * either prepared before the lock or taken under it.
     */
    static Scenario snapshotWorkers(int n) {
        return new Scenario() {
            public String name() {
                return n + " snapshot workers";
            }

            public boolean appliesTo(Target target) {
                return true;
            }

            public List<Tool> ownTools() {
                List<Tool> tools = new ArrayList<>();
                for (String strategy : List.of("ftwrl", "auto")) {
                    tools.add(Tools.quiesceSnapshots(strategy, n, false));
                    tools.add(Tools.quiesceSnapshots(strategy, n, true));
                }
                return tools;
            }
        };
    }

    /** {@code n} tables opened right before each run: FTWRL has to flush every one of them. */
    static Scenario openTables(int n) {
        return new Scenario() {
            public String name() {
                return String.format("%,d tables opened first", n);
            }

            public boolean appliesTo(Target target) {
                return !target.isMariaDb();
            }

            public Set<String> tools() {
                return Set.of(
                        Tools.NONE,
                        "raw FTWRL",
                        "FTWRL after pre-flush",
                        "raw LOCK INSTANCE + log_status",
                        "quiesce auto",
                        "quiesce ftwrl");
            }

            public void prepare(Target target) throws SQLException {
                try (Connection c = target.server().connect();
                        Statement st = c.createStatement()) {
                    st.execute("CREATE DATABASE IF NOT EXISTS " + Bench.TABLES_SCHEMA);
                    for (int i = 1; i <= n; i++) {
                        st.execute("CREATE TABLE IF NOT EXISTS " + table(i) + " (id INT PRIMARY KEY) ENGINE=InnoDB");
                    }
                }
            }

            public AutoCloseable beforeRun(Target target) throws SQLException {
                try (Connection c = target.server().connect();
                        Statement st = c.createStatement()) {
                    for (int from = 1; from <= n; from += 500) {
                        StringBuilder union = new StringBuilder();
                        for (int i = from; i < Math.min(n + 1, from + 500); i++) {
                            union.append(union.length() == 0 ? "" : " UNION ALL ")
                                    .append("(SELECT id FROM ")
                                    .append(table(i))
                                    .append(" LIMIT 0)");
                        }
                        st.execute(union.toString());
                    }
                }
                return () -> {};
            }
        };
    }

    private static String table(int i) {
        return Bench.TABLES_SCHEMA + ".t" + i;
    }

    /**
     * Starts the query and returns when it has run for {@code ageMillis}, counted from the moment it is sent
     * (the connect before it takes tens of ms, as much as a young query's whole age); closing waits for its end.
     */
    private static AutoCloseable longQuery(BenchServer server, int seconds, long ageMillis)
            throws InterruptedException {
        CountDownLatch sent = new CountDownLatch(1);
        CompletableFuture<Void> q = CompletableFuture.runAsync(() -> {
            try (Connection c = server.connect();
                    Statement st = c.createStatement()) {
                sent.countDown();
                st.execute("SELECT SLEEP(" + seconds + "), COUNT(*) FROM " + Bench.SCHEMA + "." + Bench.WRITTEN);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        if (!sent.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the long query's connection did not open within 30 s");
        }
        Thread.sleep(ageMillis);
        return () -> q.get(seconds + 60L, TimeUnit.SECONDS);
    }
}
