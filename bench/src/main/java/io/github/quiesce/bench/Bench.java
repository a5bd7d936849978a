package io.github.quiesce.bench;

import io.github.quiesce.testkit.EmbeddedServer;
import io.github.quiesce.testkit.ServerDistribution;
import io.github.quiesce.testkit.Writers;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The side-by-side benchmark: 4 writer threads (32 in the log_status scenario) commit single-row autocommit
 * INSERTs while each tool takes a consistent point with coordinates and lets go; the figure is the writers'
 * worst commit latency inside that window, median of the repetitions. The window is the whole run for the
 * peers and, for quiesce, from the lock being requested to its release (its probe blocks nobody; its length
 * is still reported). Every tool runs in the same process against the same servers, one after the other,
 * so ratios are comparable even on a noisy machine. The peers mydumper and mariabackup run as Debian's
 * programs where {@code bench/setup-peers.sh} installed them; mariabackup against Debian's own MariaDB,
 * which the bench starts on loopback and stops again.
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

    /** Writer threads in every scenario but those that say otherwise. */
    static final int WRITERS = 4;

    /**
     * What to run; {@link #quick()} is the smoke configuration CI uses.
     *
     * @param debianMariaDb also Debian's own MariaDB (10.11), started by the bench, where mariabackup runs
     * @param scenarios     the scenario keys to run ({@link Scenarios#KEYS})
     * @param busyWriters   writer threads of the log_status scenario
     * @param busyRuns      runs of each tool in it: a success rate needs more than the usual repetitions
     */
    public record Config(
            List<ServerDistribution> servers,
            boolean debianMariaDb,
            int reps,
            int longQuerySeconds,
            List<Integer> tableCounts,
            List<Integer> snapshotCounts,
            Set<String> scenarios,
            int busyWriters,
            int busyRuns,
            Path out) {

        public Config {
            servers = List.copyOf(servers);
            tableCounts = List.copyOf(tableCounts);
            snapshotCounts = List.copyOf(snapshotCounts);
            scenarios = Set.copyOf(scenarios);
            for (String key : scenarios) {
                if (!Scenarios.KEYS.contains(key)) {
                    throw new IllegalArgumentException(
                            "unknown scenario " + key + " (scenarios: " + Scenarios.KEYS + ")");
                }
            }
        }

        public static Config full() {
            return new Config(
                    List.of(ServerDistribution.MYSQL_8_0_15, ServerDistribution.MARIADB_11_4_5),
                    true,
                    5,
                    5,
                    List.of(100, 1_000, 10_000),
                    List.of(1, 8, 32, 128),
                    Set.copyOf(Scenarios.KEYS),
                    32,
                    20,
                    Path.of("target", "bench"));
        }

        /**
         * The smoke run: one repetition, the embedded servers only, no young query (each of its runs waits for
         * the query's end). mydumper runs where it is installed (CI has none), and the 32-writer scenario three
         * times.
         */
        public static Config quick(Path out) {
            return new Config(
                    List.of(ServerDistribution.MYSQL_8_0_15, ServerDistribution.MARIADB_11_4_5),
                    false,
                    1,
                    2,
                    List.of(50),
                    List.of(1, 16),
                    Set.of(
                            Scenarios.IDLE,
                            Scenarios.LONG_SELECT,
                            Scenarios.FTWRL_FORCED,
                            Scenarios.TABLES,
                            Scenarios.SNAPSHOTS,
                            Scenarios.BUSY),
                    32,
                    3,
                    out);
        }

        boolean runs(String scenario) {
            return scenarios.contains(scenario);
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

    /**
     * Runs everything and writes the CSV, the markdown table and the chart under {@code config.out()}. A peer
     * or a target that cannot run here is skipped with a line in the report saying why.
     */
    public static Report run(Config config) throws Exception {
        long start = System.nanoTime();
        List<Run> runs = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        Path mydumper = Peers.find("mydumper").orElse(null);
        Path mariabackup = Peers.find("mariabackup", "mariadb-backup").orElse(null);
        if (mydumper == null) {
            skipped.add("mydumper: not run on any server, no `mydumper` on PATH (" + Peers.SETUP + ")");
        }
        EmbeddedServer mariaDb = config.servers().contains(ServerDistribution.MARIADB_11_4_5)
                ? EmbeddedServer.start(ServerDistribution.MARIADB_11_4_5)
                : null;
        Path dumpBinary = mariaDb == null ? null : mariaDb.clientBinary("mariadb-dump");
        try {
            for (ServerDistribution d : config.servers()) {
                EmbeddedServer server = d == ServerDistribution.MARIADB_11_4_5 ? mariaDb : EmbeddedServer.start(d);
                try {
                    runs.addAll(onServer(
                            new Target(BenchServer.of(server), DUMP_USER, DUMP_PASSWORD, dumpBinary, mydumper, null),
                            config));
                } finally {
                    if (server != mariaDb) {
                        server.close();
                    }
                }
            }
            if (config.debianMariaDb()) {
                runs.addAll(onDebianMariaDb(config, dumpBinary, mydumper, mariabackup, skipped));
            }
        } finally {
            if (mariaDb != null) {
                mariaDb.close();
            }
        }
        skipped.forEach(s -> log("skipped: %s", s));
        return Report.write(runs, skipped, config, (System.nanoTime() - start) / 1_000_000_000L);
    }

    /** Debian's MariaDB, started here and always stopped; absent or failing to start, a line in the report. */
    private static List<Run> onDebianMariaDb(
            Config config, Path dumpBinary, Path mydumper, Path mariabackup, List<String> skipped) throws Exception {
        Optional<String> why = DebianMariaDb.unavailable();
        if (why.isPresent()) {
            skipped.add("MariaDB 10.11 (Debian): not run, and mariabackup with it: " + why.get());
            return List.of();
        }
        if (mariabackup == null) {
            skipped.add("mariabackup: not run, no `mariabackup` on PATH (package mariadb-backup; " + Peers.SETUP + ")");
        }
        DebianMariaDb server;
        try {
            server = DebianMariaDb.start();
        } catch (RuntimeException | IOException e) {
            skipped.add("MariaDB 10.11 (Debian): not run, it did not start: " + e.getMessage());
            return List.of();
        }
        try (server) {
            log("started %s", server);
            return onServer(new Target(server, DUMP_USER, DUMP_PASSWORD, dumpBinary, mydumper, mariabackup), config);
        }
    }

    private static List<Run> onServer(Target target, Config config) throws Exception {
        BenchServer server = target.server();
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
                "CREATE TABLE IF NOT EXISTS " + DUMP_SCHEMA + ".small (id INT PRIMARY KEY) ENGINE=InnoDB",
                // Writers.createTable's table, through any DataSource (it takes the testkit's servers only).
                "CREATE DATABASE IF NOT EXISTS " + SCHEMA,
                "CREATE TABLE IF NOT EXISTS " + SCHEMA + "." + WRITTEN
                        + " (id BIGINT AUTO_INCREMENT PRIMARY KEY, writer INT NOT NULL, seq BIGINT NOT NULL)"
                        + " ENGINE=InnoDB");
        if (!server.isMariaDb()) {
            // MySQL before 8.0.23 (Bug #31894662): a SHOW TABLE STATUS that has to store a table's statistics in
            // the data dictionary waits for the commit lock, so mydumper 0.10's worker waits on its own FTWRL
            // (mydumper issue #328) and every writer with it. Statistics read once here stay cached for the
            // run (information_schema_stats_expiry, 24 h), so the figures show mydumper's lock, not that hang.
            try (Connection c = server.connect();
                    Statement st = c.createStatement()) {
                st.executeQuery("SHOW TABLE STATUS FROM " + DUMP_SCHEMA).close();
            }
        }
        List<Run> runs = new ArrayList<>();
        Writers writers = null;
        int writerCount = 0;
        try {
            for (Scenario scenario : Scenarios.all(config)) {
                if (!scenario.appliesTo(target)) {
                    continue;
                }
                if (writers == null || writerCount != scenario.writers()) {
                    boolean first = writers == null;
                    if (writers != null) {
                        writers.close();
                    }
                    writerCount = scenario.writers();
                    writers = Writers.start(server.dataSource(), SCHEMA, WRITTEN, writerCount, Long.MAX_VALUE);
                    writers.awaitCommitted(100, 30_000);
                    if (first) {
                        warmUp(target);
                    }
                }
                log("%s: %s (%d writers)", target.label(), scenario.name(), writerCount);
                scenario.prepare(target);
                try {
                    for (Tool tool : scenario.ownTools().isEmpty() ? Tools.all() : scenario.ownTools()) {
                        if (tool.appliesTo(target)
                                && (scenario.tools().isEmpty()
                                        || scenario.tools().contains(tool.name()))) {
                            for (int rep = 1; rep <= scenario.reps(config); rep++) {
                                runs.add(once(target, scenario, tool, rep, writers));
                            }
                        }
                    }
                } finally {
                    scenario.finish(target);
                }
            }
        } finally {
            if (writers != null) {
                writers.close();
            }
        }
        return runs;
    }

    /** One unrecorded run of each tool, so that class loading and JIT do not land on the first figure. */
    private static void warmUp(Target target) {
        for (Tool tool : Tools.all()) {
            if (tool.appliesTo(target)) {
                try {
                    tool.run(target);
                } catch (Exception e) {
                    // The recorded runs fail the same way and say so in the report.
                    log("  warm-up of %s failed: %s", tool.name(), e.getMessage());
                }
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

    /** Options in any order; {@code --quick} starts from the smoke configuration instead of the full one. */
    private static Config parse(String[] args) {
        Config base = Arrays.asList(args).contains("--quick")
                ? Config.quick(Config.full().out())
                : Config.full();
        List<ServerDistribution> servers = base.servers();
        boolean debian = base.debianMariaDb();
        int reps = base.reps();
        int longQuerySeconds = base.longQuerySeconds();
        List<Integer> tables = base.tableCounts();
        List<Integer> snapshots = base.snapshotCounts();
        Set<String> scenarios = base.scenarios();
        int busyWriters = base.busyWriters();
        int busyRuns = base.busyRuns();
        Path out = base.out();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--quick")) {
                continue;
            }
            if (!OPTIONS.contains(a)) {
                throw new IllegalArgumentException("unknown option " + a + " (options: --quick, --reps N,"
                        + " --long-query-seconds N, --tables 100,1000, --snapshots 1,8,32,128, --scenarios "
                        + String.join(",", Scenarios.KEYS) + ", --busy WRITERS,RUNS, --servers mysql,mariadb,"
                        + DEBIAN + ", --out DIR)");
            }
            String v = need(a, i + 1 < args.length ? args[++i] : null);
            switch (a) {
                case "--reps" -> reps = Integer.parseInt(v);
                case "--long-query-seconds" -> longQuerySeconds = Integer.parseInt(v);
                case "--tables" -> tables = numbers(v);
                case "--snapshots" -> snapshots = numbers(v);
                case "--scenarios" -> scenarios = Set.copyOf(names(v));
                case "--busy" -> {
                    List<Integer> wr = numbers(v);
                    if (wr.size() != 2) {
                        throw new IllegalArgumentException("--busy takes WRITERS,RUNS, e.g. 32,20");
                    }
                    busyWriters = wr.get(0);
                    busyRuns = wr.get(1);
                }
                case "--servers" -> {
                    List<String> names = names(v);
                    servers = names.stream()
                            .filter(n -> !n.equals(DEBIAN))
                            .map(Bench::server)
                            .toList();
                    debian = names.contains(DEBIAN);
                }
                case "--out" -> out = Path.of(v);
                default -> throw new IllegalStateException(a);
            }
        }
        return new Config(
                servers, debian, reps, longQuerySeconds, tables, snapshots, scenarios, busyWriters, busyRuns, out);
    }

    private static final Set<String> OPTIONS = Set.of(
            "--reps", "--long-query-seconds", "--tables", "--snapshots", "--scenarios", "--busy", "--servers", "--out");

    /** The --servers name of Debian's own MariaDB. */
    private static final String DEBIAN = "mariadb-debian";

    private static List<String> names(String list) {
        return Arrays.stream(list.split(",")).map(String::trim).toList();
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
            default -> throw new IllegalArgumentException(
                    "--servers takes mysql, mariadb and/or " + DEBIAN + ", not " + name);
        };
    }
}
