package io.github.quiesce.bench;

import io.github.quiesce.testkit.EmbeddedServer;
import io.github.quiesce.testkit.ServerDistribution;
import io.github.quiesce.testkit.Writers;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The side-by-side benchmark: 4 writer threads commit single-row autocommit INSERTs while each tool takes
 * a consistent point with coordinates and lets go; the figure is the writers' worst commit latency inside
 * that window, median of the repetitions. The window is the whole run for the peers and, for quiesce,
 * from the lock being requested to its release (its probe blocks nobody; its length is still reported). Every tool runs in the same process against the same servers,
 * one after the other, so ratios are comparable even on a noisy machine.
 *
 * <pre>mvn -B -q -DskipTests install &amp;&amp; mvn -B -q -pl bench exec:java [-Dexec.args="--reps 5"]</pre>
 */
public final class Bench {

    static final String SCHEMA = "bench";
    static final String WRITTEN = "w";
    static final String TABLES_SCHEMA = "bench_tables";
    static final String DUMP_SCHEMA = "bench_dump";
    private static final String DUMP_USER = "bench_dump";
    private static final String DUMP_PASSWORD = "bench_dump_pw";

    /** What to run; {@link #quick()} is the smoke configuration CI uses. */
    public record Config(
            List<ServerDistribution> servers,
            int reps,
            int longQuerySeconds,
            List<Integer> tableCounts,
            List<Integer> snapshotCounts,
            Path out) {

        public static Config full() {
            return new Config(
                    List.of(ServerDistribution.MYSQL_8_0_15, ServerDistribution.MARIADB_11_4_5),
                    5,
                    5,
                    List.of(100, 1_000, 10_000),
                    List.of(1, 8, 32, 128),
                    Path.of("target", "bench"));
        }

        public static Config quick(Path out) {
            return new Config(
                    List.of(ServerDistribution.MYSQL_8_0_15, ServerDistribution.MARIADB_11_4_5),
                    1,
                    2,
                    List.of(50),
                    List.of(1, 16),
                    out);
        }
    }

    private Bench() {}

    public static void main(String[] args) throws Exception {
        Config config = parse(args);
        Report report = run(config);
        System.out.println(report.markdown());
        System.out.println(
                "CSV: " + report.csvFile() + (report.chartFile() == null ? "" : "; chart: " + report.chartFile()));
        System.exit(0);
    }

    /** Runs everything and writes the CSV, the markdown table and the chart under {@code config.out()}. */
    public static Report run(Config config) throws Exception {
        long start = System.nanoTime();
        List<Run> runs = new ArrayList<>();
        EmbeddedServer mariaDb = config.servers().contains(ServerDistribution.MARIADB_11_4_5)
                ? EmbeddedServer.start(ServerDistribution.MARIADB_11_4_5)
                : null;
        try {
            for (ServerDistribution d : config.servers()) {
                EmbeddedServer server = d == ServerDistribution.MARIADB_11_4_5 ? mariaDb : EmbeddedServer.start(d);
                try {
                    runs.addAll(onServer(server, mariaDb, config));
                } finally {
                    if (server != mariaDb) {
                        server.close();
                    }
                }
            }
        } finally {
            if (mariaDb != null) {
                mariaDb.close();
            }
        }
        return Report.write(runs, config, (System.nanoTime() - start) / 1_000_000_000L);
    }

    private static List<Run> onServer(EmbeddedServer server, EmbeddedServer mariaDb, Config config) throws Exception {
        server.createUser(
                DUMP_USER,
                DUMP_PASSWORD,
                "SELECT",
                "RELOAD",
                "LOCK TABLES",
                "REPLICATION CLIENT",
                "SHOW VIEW",
                "PROCESS");
        server.execute(
                "CREATE DATABASE IF NOT EXISTS " + DUMP_SCHEMA,
                "CREATE TABLE IF NOT EXISTS " + DUMP_SCHEMA + ".small (id INT PRIMARY KEY) ENGINE=InnoDB");
        Writers.createTable(server, SCHEMA, WRITTEN);
        Target target = new Target(
                server, DUMP_USER, DUMP_PASSWORD, mariaDb == null ? null : mariaDb.clientBinary("mariadb-dump"));
        List<Run> runs = new ArrayList<>();
        try (Writers writers = Writers.start(server, SCHEMA, WRITTEN, 4, Long.MAX_VALUE)) {
            writers.awaitCommitted(100, 30_000);
            warmUp(target);
            for (Scenario scenario : Scenarios.all(config)) {
                if (!scenario.appliesTo(target)) {
                    continue;
                }
                log("%s: %s", target.label(), scenario.name());
                scenario.prepare(target);
                try {
                    for (Tool tool : scenario.ownTools().isEmpty() ? Tools.all() : scenario.ownTools()) {
                        if (tool.appliesTo(target)
                                && (scenario.tools().isEmpty()
                                        || scenario.tools().contains(tool.name()))) {
                            for (int rep = 1; rep <= config.reps(); rep++) {
                                runs.add(once(target, scenario, tool, rep, writers));
                            }
                        }
                    }
                } finally {
                    scenario.finish(target);
                }
            }
        }
        return runs;
    }

    /** One unrecorded run of each tool, so that class loading and JIT do not land on the first figure. */
    private static void warmUp(Target target) throws Exception {
        for (Tool tool : Tools.all()) {
            if (tool.appliesTo(target)) {
                tool.run(target);
            }
        }
    }

    private static Run once(Target target, Scenario scenario, Tool tool, int rep, Writers writers) throws Exception {
        Tool.Outcome outcome;
        String error = null;
        long from;
        long to;
        try (AutoCloseable around = scenario.beforeRun(target)) {
            from = System.nanoTime();
            try {
                outcome = tool.run(target);
            } catch (Exception | Error e) {
                outcome = Tool.Outcome.wholeRun(-1);
                error = e.getClass().getSimpleName() + ": " + e.getMessage();
            }
            to = System.nanoTime();
        }
        // The lock window where the tool reports one (quiesce: lock requested to released), else the whole run.
        if (outcome.lockFrom() != 0 && outcome.lockTo() != 0) {
            from = outcome.lockFrom();
            to = outcome.lockTo();
        }
        int statements = outcome.statements();
        writers.awaitCommitted(writers.committed() + 8, 30_000);
        Run r = new Run(
                target.label(),
                scenario.name(),
                tool.name(),
                rep,
                writers.worstLatencyMillis(from, to),
                writers.percentileLatencyMillis(from, to, 0.99),
                (to - from) / 1e6,
                statements,
                error);
        log(
                "  %-52s #%d worst %8.1f ms  p99 %7.1f ms  window %8.1f ms%s",
                tool.name(), rep, r.worstMs(), r.p99Ms(), r.windowMs(), error == null ? "" : "  FAILED " + error);
        return r;
    }

    static void log(String format, Object... args) {
        System.err.println(String.format(Locale.ROOT, format, args));
    }

    private static Config parse(String[] args) {
        Config c = Config.full();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String v = i + 1 < args.length ? args[i + 1] : null;
            switch (a) {
                case "--quick" -> c = Config.quick(c.out());
                case "--reps" -> c = new Config(
                        c.servers(),
                        Integer.parseInt(need(a, v)),
                        c.longQuerySeconds(),
                        c.tableCounts(),
                        c.snapshotCounts(),
                        c.out());
                case "--long-query-seconds" -> c = new Config(
                        c.servers(),
                        c.reps(),
                        Integer.parseInt(need(a, v)),
                        c.tableCounts(),
                        c.snapshotCounts(),
                        c.out());
                case "--tables" -> c = new Config(
                        c.servers(), c.reps(), c.longQuerySeconds(), numbers(need(a, v)), c.snapshotCounts(), c.out());
                case "--snapshots" -> c = new Config(
                        c.servers(), c.reps(), c.longQuerySeconds(), c.tableCounts(), numbers(need(a, v)), c.out());
                case "--servers" -> c = new Config(
                        Arrays.stream(need(a, v).split(",")).map(Bench::server).toList(),
                        c.reps(),
                        c.longQuerySeconds(),
                        c.tableCounts(),
                        c.snapshotCounts(),
                        c.out());
                case "--out" -> c = new Config(
                        c.servers(),
                        c.reps(),
                        c.longQuerySeconds(),
                        c.tableCounts(),
                        c.snapshotCounts(),
                        Path.of(need(a, v)));
                default -> throw new IllegalArgumentException(
                        "unknown option " + a + " (options: --quick, --reps N, --long-query-seconds N,"
                                + " --tables 100,1000, --snapshots 1,8,32,128, --servers mysql,mariadb, --out DIR)");
            }
            if (!a.equals("--quick")) {
                i++;
            }
        }
        return c;
    }

    private static List<Integer> numbers(String list) {
        return Arrays.stream(list.split(","))
                .map(String::trim)
                .map(Integer::valueOf)
                .toList();
    }

    private static String need(String option, String value) {
        if (value == null) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return value;
    }

    private static ServerDistribution server(String name) {
        return switch (name.trim()) {
            case "mysql" -> ServerDistribution.MYSQL_8_0_15;
            case "mariadb" -> ServerDistribution.MARIADB_11_4_5;
            default -> throw new IllegalArgumentException("--servers takes mysql and/or mariadb, not " + name);
        };
    }
}
