package io.github.quiesce.bench;

import io.github.quiesce.testkit.EmbeddedServer;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** The scenarios of the benchmark issue: idle, a long SELECT, FTWRL forced, many open tables. */
final class Scenarios {

    private Scenarios() {}

    static List<Scenario> all(Bench.Config config) {
        List<Scenario> s = new ArrayList<>();
        s.add(idle());
        s.add(longSelect(config.longQuerySeconds()));
        s.add(ftwrlForced(config.longQuerySeconds()));
        for (int n : config.tableCounts()) {
            s.add(openTables(n));
        }
        for (int n : config.snapshotCounts()) {
            s.add(snapshotWorkers(n));
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
                return longQuery(target.server(), seconds);
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
                return longQuery(target.server(), seconds);
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

    /** Starts the query and returns when it has run for more than a second; closing waits for its end. */
    private static AutoCloseable longQuery(EmbeddedServer server, int seconds) throws InterruptedException {
        CompletableFuture<Void> q = CompletableFuture.runAsync(() -> {
            try (Connection c = server.connect();
                    Statement st = c.createStatement()) {
                st.execute("SELECT SLEEP(" + seconds + "), COUNT(*) FROM " + Bench.SCHEMA + "." + Bench.WRITTEN);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(1_200);
        return () -> q.get(seconds + 60L, TimeUnit.SECONDS);
    }
}
