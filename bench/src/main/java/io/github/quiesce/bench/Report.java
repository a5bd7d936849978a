package io.github.quiesce.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

/** The runs summarised: a markdown table with the ratios the issue sets targets for, a CSV of every run, and a PNG chart. */
public final class Report {

    /** Median and maximum over the repetitions of one tool in one scenario on one server. */
    record Row(
            String server,
            String scenario,
            String tool,
            double medianWorst,
            double maxWorst,
            double medianP99,
            double medianWindow,
            int statements,
            int runs,
            int failures,
            String firstError,
            double maxWorstFailed) {}

    private final List<Row> rows;
    private final List<String> skipped;
    private final String markdown;
    private final Path csvFile;
    private final Path chartFile;

    private Report(List<Row> rows, List<String> skipped, String markdown, Path csvFile, Path chartFile) {
        this.rows = rows;
        this.skipped = List.copyOf(skipped);
        this.markdown = markdown;
        this.csvFile = csvFile;
        this.chartFile = chartFile;
    }

    /** @param skipped one line per peer or target that could not run here, and why */
    static Report write(List<Run> runs, List<String> skipped, Bench.Config config, long seconds) throws IOException {
        Files.createDirectories(config.out());
        List<Row> rows = summarise(runs);
        Path csv = config.out().resolve("bench.csv");
        Files.writeString(csv, csv(runs));
        String md = markdown(rows, skipped, config, seconds);
        Files.writeString(config.out().resolve("bench.md"), md);
        Path chart = chart(rows, config.out().resolve("writer-stall.png"));
        return new Report(rows, skipped, md, csv, chart);
    }

    public String markdown() {
        return markdown;
    }

    public Path csvFile() {
        return csvFile;
    }

    /** Null when the chart could not be drawn (no fonts on a bare machine); the reason went to stderr. */
    public Path chartFile() {
        return chartFile;
    }

    public List<String> tools() {
        return rows.stream().map(Row::tool).distinct().toList();
    }

    /** The median worst commit of a tool in a scenario, if it ran there. */
    public Optional<Double> medianWorst(String server, String scenarioPrefix, String tool) {
        return row(rows, server, scenarioPrefix, tool).map(Row::medianWorst);
    }

    /**
     * Failed runs, except the refusals of the log_status scenario: there a refusal is a measured outcome (the
     * success rate), not a broken bench.
     */
    public long failures() {
        return rows.stream()
                .filter(r -> !r.scenario().endsWith(Scenarios.BUSY_SUFFIX))
                .mapToInt(Row::failures)
                .sum();
    }

    /** The peers and targets that did not run here, each with why. */
    public List<String> skipped() {
        return skipped;
    }

    private static List<Row> summarise(List<Run> runs) {
        Map<List<String>, List<Run>> groups = runs.stream()
                .collect(Collectors.groupingBy(
                        r -> List.of(r.server(), r.scenario(), r.tool()), LinkedHashMap::new, Collectors.toList()));
        List<Row> rows = new ArrayList<>();
        groups.forEach((k, rs) -> {
            List<Run> ok = rs.stream().filter(r -> !r.failed()).toList();
            rows.add(new Row(
                    k.get(0),
                    k.get(1),
                    k.get(2),
                    median(ok.stream().map(Run::worstMs).toList()),
                    ok.stream().mapToDouble(Run::worstMs).max().orElse(Double.NaN),
                    median(ok.stream().map(Run::p99Ms).toList()),
                    median(ok.stream().map(Run::windowMs).toList()),
                    ok.isEmpty() ? -1 : ok.get(0).statements(),
                    rs.size(),
                    rs.size() - ok.size(),
                    rs.stream().filter(Run::failed).map(Run::error).findFirst().orElse(null),
                    rs.stream()
                            .filter(Run::failed)
                            .mapToDouble(Run::worstMs)
                            .max()
                            .orElse(Double.NaN)));
        });
        return rows;
    }

    private static double median(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> s = values.stream().sorted().toList();
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    private static String csv(List<Run> runs) {
        StringBuilder b =
                new StringBuilder("server,scenario,tool,repetition,worst_ms,p99_ms,window_ms,statements,error\n");
        for (Run r : runs) {
            b.append(String.join(
                            ",",
                            quote(r.server()),
                            quote(r.scenario()),
                            quote(r.tool()),
                            String.valueOf(r.repetition()),
                            num(r.worstMs()),
                            num(r.p99Ms()),
                            num(r.windowMs()),
                            String.valueOf(r.statements()),
                            quote(r.error() == null ? "" : r.error())))
                    .append('\n');
        }
        return b.toString();
    }

    private static String markdown(List<Row> rows, List<String> skipped, Bench.Config config, long seconds) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(
                Locale.ROOT,
                "Writer stall: 4 writers (unless the scenario names another count) doing single-row autocommit INSERTs; worst commit inside each tool's"
                        + " lock window, median of %d run(s) (max in brackets); p99 median; window: the whole run for peers, lock requested to"
                        + " released for quiesce (its probe blocks nobody); statements: round trips of one run. %d CPU(s), Java %s, %s; %d s in all.%n%n",
                config.reps(),
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"),
                System.getProperty("os.name") + " " + System.getProperty("os.arch"),
                seconds));
        b.append(
                "| server | scenario | tool | worst commit ms | p99 ms | window ms | statements |\n|---|---|---|---:|---:|---:|---:|\n");
        for (Row r : rows) {
            b.append("| ")
                    .append(r.server())
                    .append(" | ")
                    .append(r.scenario())
                    .append(" | ")
                    .append(r.tool())
                    .append(" | ")
                    .append(
                            r.failures() > 0 && Double.isNaN(r.medianWorst())
                                    ? "failed: " + cell(r.firstError())
                                    : fmt(r.medianWorst()) + " (" + fmt(r.maxWorst()) + ")"
                                            + (r.failures() > 0 ? ", " + r.failures() + " failed" : ""))
                    .append(" | ")
                    .append(fmt(r.medianP99()))
                    .append(" | ")
                    .append(fmt(r.medianWindow()))
                    .append(" | ")
                    .append(r.statements() < 0 ? "—" : String.valueOf(r.statements()))
                    .append(" |\n");
        }
        if (!skipped.isEmpty()) {
            b.append("\nSkipped on this machine:\n\n");
            skipped.forEach(s -> b.append("- ").append(s).append('\n'));
        }
        successRates(b, rows);
        b.append("\nRatios in this run (the targets of the benchmark issue):\n\n");
        for (String server : rows.stream().map(Row::server).distinct().toList()) {
            ratios(b, rows, server);
            peerRatios(b, rows, server);
        }
        return b.toString();
    }

    /** How often each tool held under many writers, the refusal, and the writers' worst commits. */
    private static void successRates(StringBuilder b, List<Row> rows) {
        List<Row> busy = rows.stream()
                .filter(r -> r.scenario().endsWith(Scenarios.BUSY_SUFFIX)
                        && !r.tool().equals(Tools.NONE))
                .toList();
        if (busy.isEmpty()) {
            return;
        }
        b.append("\nSuccess rate with many writers (a refusal is an outcome here, not a bench failure):\n\n");
        for (Row r : busy) {
            b.append(String.format(
                    Locale.ROOT,
                    "- %s, %s: %s held %d of %d runs, refused %d; worst commit of the held runs: median %s ms, max %s ms",
                    r.server(),
                    r.scenario(),
                    r.tool(),
                    r.runs() - r.failures(),
                    r.runs(),
                    r.failures(),
                    fmt(r.medianWorst()),
                    fmt(r.maxWorst())));
            if (r.failures() > 0) {
                b.append(String.format(
                        Locale.ROOT,
                        "; worst commit while refusing: max %s ms; refusal: %s",
                        fmt(r.maxWorstFailed()),
                        r.firstError().replace('\n', ' ')));
            }
            b.append('\n');
        }
    }

    /** The young query against the raw lock, and the real peer programs against quiesce's default, scenario by scenario. */
    private static void peerRatios(StringBuilder b, List<Row> rows, String server) {
        String young = ", started " + Scenarios.YOUNG_MILLIS + " ms before";
        for (String ours : List.of("quiesce auto", "quiesce ftwrl")) {
            ratio(
                    b,
                    server + ", young SELECT: " + ours + " vs raw FTWRL",
                    row(rows, server, young, ours),
                    row(rows, server, young, "raw FTWRL"));
        }
        for (String scenario : rows.stream()
                .filter(r -> r.server().equals(server))
                .map(Row::scenario)
                .distinct()
                .filter(s -> s.equals("idle") || s.contains("SELECT"))
                .toList()) {
            for (String peer : List.of(Tools.MYDUMPER, Tools.MYDUMPER_TRX, Tools.MARIABACKUP)) {
                ratio(
                        b,
                        server + ", " + scenario + ": quiesce auto vs " + peer,
                        exact(rows, server, scenario, "quiesce auto"),
                        exact(rows, server, scenario, peer));
            }
        }
    }

    private static Optional<Row> exact(List<Row> rows, String server, String scenario, String tool) {
        return rows.stream()
                .filter(r -> r.server().equals(server)
                        && r.scenario().equals(scenario)
                        && r.tool().equals(tool))
                .findFirst();
    }

    /** A table cell: no column separator, no line break. */
    private static String cell(String s) {
        return s.replace('|', '/').replace('\n', ' ');
    }

    private static void ratios(StringBuilder b, List<Row> rows, String server) {
        String longQ = "s SELECT on the written table";
        ratio(
                b,
                server + ", long SELECT: quiesce auto vs raw FTWRL",
                row(rows, server, longQ, "quiesce auto"),
                row(rows, server, longQ, "raw FTWRL"));
        ratio(
                b,
                server + ", long SELECT: quiesce ftwrl vs raw FTWRL",
                row(rows, server, longQ, "quiesce ftwrl"),
                row(rows, server, longQ, "raw FTWRL"));
        row(rows, server, "FTWRL forced", "quiesce auto")
                .ifPresent(r -> b.append(String.format(
                        Locale.ROOT,
                        "- %s, FTWRL forced + long SELECT: quiesce auto worst commit %s ms (target ≤ 50 ms; raw FTWRL %s ms)%n",
                        server,
                        fmt(r.medianWorst()),
                        row(rows, server, "FTWRL forced", "raw FTWRL")
                                .map(x -> fmt(x.medianWorst()))
                                .orElse("—"))));
        ratio(
                b,
                server + ", idle: quiesce ftwrl vs the faster raw FTWRL",
                row(rows, server, "idle", "quiesce ftwrl"),
                Stream.of("raw FTWRL", "FTWRL after pre-flush")
                        .map(t -> row(rows, server, "idle", t))
                        .flatMap(Optional::stream)
                        .min(java.util.Comparator.comparingDouble(Row::medianWorst)));
        ratio(
                b,
                server + ", long SELECT: quiesce auto vs raw BACKUP STAGE",
                row(rows, server, longQ, "quiesce auto"),
                row(rows, server, longQ, "raw BACKUP STAGE"));
        ratio(
                b,
                server + ", idle: quiesce mysql-instance-lock vs raw LOCK INSTANCE",
                row(rows, server, "idle", "quiesce mysql-instance-lock"),
                row(rows, server, "idle", "raw LOCK INSTANCE + log_status"));
        ratio(
                b,
                server + ", idle: quiesce mariadb-backup-stage vs raw BACKUP STAGE",
                row(rows, server, "idle", "quiesce mariadb-backup-stage"),
                row(rows, server, "idle", "raw BACKUP STAGE"));
        snapshotGrowth(b, rows, server);
        List<Row> tables = rows.stream()
                .filter(r -> r.server().equals(server) && r.scenario().endsWith("tables opened first"))
                .toList();
        if (!tables.isEmpty()) {
            String first = tables.get(0).scenario();
            String last = tables.get(tables.size() - 1).scenario();
            growthTarget(b, rows, server, first, last);
            for (String tool : tables.stream().map(Row::tool).distinct().toList()) {
                Optional<Row> a = row(rows, server, first, tool);
                Optional<Row> z = row(rows, server, last, tool);
                if (a.isPresent() && z.isPresent() && !first.equals(last)) {
                    b.append(String.format(
                            Locale.ROOT,
                            "- %s, %s → %s: %s worst %s → %s ms (×%s), window %s → %s ms%n",
                            server,
                            first,
                            last,
                            tool,
                            fmt(a.get().medianWorst()),
                            fmt(z.get().medianWorst()),
                            fmt(z.get().medianWorst() / a.get().medianWorst()),
                            fmt(a.get().medianWindow()),
                            fmt(z.get().medianWindow())));
                }
            }
        }
    }

    /** The performance issue's target: a session's worst commit with the most snapshot workers within ×2 of one worker's. */
    private static void snapshotGrowth(StringBuilder b, List<Row> rows, String server) {
        List<String> scenarios = rows.stream()
                .filter(r -> r.server().equals(server) && r.scenario().endsWith(" snapshot workers"))
                .map(Row::scenario)
                .distinct()
                .toList();
        if (scenarios.size() < 2) {
            return;
        }
        String first = scenarios.get(0);
        String last = scenarios.get(scenarios.size() - 1);
        for (String tool : rows.stream()
                .filter(r -> r.server().equals(server) && r.scenario().equals(first))
                .map(Row::tool)
                .toList()) {
            String same = tool.replace(first.replace(" workers", ""), last.replace(" workers", ""));
            Optional<Row> a = row(rows, server, first, tool);
            Optional<Row> z = row(rows, server, last, same);
            if (a.isPresent() && z.isPresent()) {
                double g = z.get().medianWorst() / a.get().medianWorst();
                b.append(String.format(
                        Locale.ROOT,
                        "- %s, %s → %s: %s worst %s → %s ms (×%s%s), window %s → %s ms%n",
                        server,
                        first,
                        last,
                        same,
                        fmt(a.get().medianWorst()),
                        fmt(z.get().medianWorst()),
                        fmt(g),
                        g <= 2 ? ", within ×2" : ", MORE than ×2",
                        fmt(a.get().medianWindow()),
                        fmt(z.get().medianWindow())));
            }
        }
    }

    /** The target: auto grows no more than the cheapest raw lock's own growth × 1.2. */
    private static void growthTarget(StringBuilder b, List<Row> rows, String server, String first, String last) {
        Optional<Double> auto = growth(rows, server, first, last, "quiesce auto");
        Optional<String> cheapest = rows.stream()
                .filter(r -> r.server().equals(server)
                        && r.scenario().equals(first)
                        && r.tool().startsWith("raw"))
                .min(java.util.Comparator.comparingDouble(Row::medianWorst))
                .map(Row::tool);
        if (auto.isPresent() && cheapest.isPresent() && !first.equals(last)) {
            double raw = growth(rows, server, first, last, cheapest.get()).orElse(Double.NaN);
            b.append(String.format(
                    Locale.ROOT,
                    "- %s, %s → %s: quiesce auto grows ×%s, the cheapest raw lock (%s) ×%s: %s%n",
                    server,
                    first,
                    last,
                    fmt(auto.get()),
                    cheapest.get(),
                    fmt(raw),
                    auto.get() <= raw * 1.2 ? "within ×1.2 of it" : "more than ×1.2 of it"));
        }
    }

    private static Optional<Double> growth(List<Row> rows, String server, String first, String last, String tool) {
        Optional<Row> a = row(rows, server, first, tool);
        Optional<Row> z = row(rows, server, last, tool);
        return a.isPresent() && z.isPresent()
                ? Optional.of(z.get().medianWorst() / a.get().medianWorst())
                : Optional.empty();
    }

    private static void ratio(StringBuilder b, String what, Optional<Row> ours, Optional<Row> theirs) {
        if (ours.isPresent() && theirs.isPresent()) {
            double r = ours.get().medianWorst() / theirs.get().medianWorst();
            b.append(String.format(
                    Locale.ROOT,
                    "- %s: %s ms vs %s ms = ×%s%s%n",
                    what,
                    fmt(ours.get().medianWorst()),
                    fmt(theirs.get().medianWorst()),
                    r < 0.1 ? String.format(Locale.ROOT, "%.4f", r) : fmt(r),
                    r < 0.1 ? String.format(Locale.ROOT, " (%,.0f× less)", 1 / r) : ""));
        }
    }

    private static Optional<Row> row(List<Row> rows, String server, String scenarioPart, String tool) {
        return rows.stream()
                .filter(r -> r.server().equals(server)
                        && r.scenario().contains(scenarioPart)
                        && r.tool().equals(tool))
                .findFirst();
    }

    private static Path chart(List<Row> rows, Path file) {
        try {
            CategoryChart chart = new CategoryChartBuilder()
                    .width(1600)
                    .height(900)
                    .title("Worst writer commit inside the backup window (median, ms, log scale)")
                    .yAxisTitle("ms")
                    .build();
            chart.getStyler().setYAxisLogarithmic(true);
            chart.getStyler().setYAxisMin(1.0);
            chart.getStyler().setXAxisLabelRotation(75);
            chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
            chart.getStyler().setOverlapped(false);
            List<String> labels = new ArrayList<>();
            List<Double> values = new ArrayList<>();
            for (Row r : rows) {
                if (!Double.isNaN(r.medianWorst())) {
                    labels.add(shortServer(r.server()) + " · " + shortScenario(r.scenario()) + " · "
                            + r.tool().replace("mariadb-dump --single-transaction --master-data=2", "mariadb-dump"));
                    values.add(Math.max(1.0, r.medianWorst()));
                }
            }
            chart.addSeries("worst commit", labels, values);
            BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
            return file;
        } catch (Throwable e) {
            Bench.log("chart skipped: %s", e.toString());
            return null;
        }
    }

    private static String shortServer(String s) {
        return s.replace("MySQL ", "my").replace("MariaDB ", "ma").replace(" (Debian)", " deb");
    }

    private static String shortScenario(String s) {
        return s.replace(" on the written table", "")
                .replace("SELECT of ", "young SELECT ")
                .replace(", started " + Scenarios.YOUNG_MILLIS + " ms before", "")
                .replace("FTWRL forced (MyISAM table)", "forced")
                .replace(" tables opened first", " tables");
    }

    private static String fmt(double v) {
        return Double.isNaN(v) ? "—" : String.format(Locale.ROOT, v >= 100 ? "%,.0f" : "%.1f", v);
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }

    private static String quote(String s) {
        return '"' + s.replace("\"", "\"\"") + '"';
    }
}
