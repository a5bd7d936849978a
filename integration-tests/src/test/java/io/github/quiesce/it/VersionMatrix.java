package io.github.quiesce.it;

import io.github.quiesce.readonly.ReadOnlyStrategy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;
import org.opentest4j.TestAbortedException;

/**
 * The version × strategy table of one run: every test of every cell, as JUnit reports it, rendered as
 * markdown at the end. A failing cell names its failed tests under the table.
 */
final class VersionMatrix {

    /** A group of tests for one version and one column of the table. */
    interface Cell {
        MatrixVersion version();

        /** The column: a strategy name, {@value #AUTO} or {@value #REPLICA}. */
        String column();

        /** Whether the cell's tests prove a refusal (the strategy does not run there) rather than a run. */
        default boolean refusal() {
            return false;
        }

        /** Shown in the table before the result, e.g. what auto picked. */
        default String note() {
            return "";
        }
    }

    static final String AUTO = "auto picks";
    static final String REPLICA = ReadOnlyStrategy.NAME + " (replica)";

    private static final List<String> COLUMNS = new ArrayList<>(MatrixVersion.SOURCE_STRATEGIES);

    static {
        COLUMNS.add(REPLICA);
        COLUMNS.add(AUTO);
    }

    private record Outcome(String test, boolean passed, String failure) {}

    private static final class Entry {
        final List<Outcome> outcomes = new ArrayList<>();
        boolean refusal;
        String note = "";
        long millis;
    }

    private static final Map<MatrixVersion, Map<String, Entry>> CELLS = new EnumMap<>(MatrixVersion.class);
    private static final Map<MatrixVersion, Long> VERSION_MILLIS = new EnumMap<>(MatrixVersion.class);

    private VersionMatrix() {}

    private static synchronized Entry entry(Cell cell) {
        Entry e = CELLS.computeIfAbsent(cell.version(), v -> new LinkedHashMap<>())
                .computeIfAbsent(cell.column(), c -> new Entry());
        e.refusal |= cell.refusal();
        if (!cell.note().isEmpty()) {
            e.note = cell.note();
        }
        return e;
    }

    static synchronized void versionTook(MatrixVersion version, long millis) {
        VERSION_MILLIS.merge(version, millis, Long::sum);
    }

    /** Registered on the whole IT: records each test of each cell, a failed set-up, and each cell's time. */
    static final class Recorder implements TestWatcher, BeforeAllCallback, AfterAllCallback {

        private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(Recorder.class);

        @Override
        public void beforeAll(ExtensionContext context) {
            context.getStore(NS).put("start", System.nanoTime());
        }

        @Override
        public void afterAll(ExtensionContext context) {
            Long start = context.getStore(NS).get("start", Long.class);
            long millis = start == null ? 0 : (System.nanoTime() - start) / 1_000_000;
            Object instance = context.getTestInstance().orElse(null);
            if (instance instanceof Cell cell) {
                synchronized (VersionMatrix.class) {
                    Entry e = entry(cell);
                    e.millis += millis;
                    context.getExecutionException()
                            .filter(t -> !(t instanceof TestAbortedException))
                            .ifPresent(t -> e.outcomes.add(new Outcome("set-up", false, summary(t))));
                }
            } else if (instance instanceof VersionCells group) {
                versionTook(group.version(), millis);
            }
        }

        @Override
        public void testSuccessful(ExtensionContext context) {
            cell(context).ifPresent(c -> add(c, new Outcome(context.getDisplayName(), true, "")));
        }

        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            cell(context).ifPresent(c -> add(c, new Outcome(context.getDisplayName(), false, summary(cause))));
        }

        private static Optional<Cell> cell(ExtensionContext context) {
            return context.getTestInstance().filter(Cell.class::isInstance).map(Cell.class::cast);
        }

        private static void add(Cell cell, Outcome outcome) {
            synchronized (VersionMatrix.class) {
                entry(cell).outcomes.add(outcome);
            }
        }
    }

    private static String summary(Throwable t) {
        String m = String.valueOf(t.getMessage()).replaceAll("\\s+", " ").strip();
        String text = t.getClass().getSimpleName() + ": " + m;
        return text.length() > 300 ? text.substring(0, 300) + "…" : text;
    }

    /** The table and, under it, every failure; {@code header} goes first. */
    static synchronized String render(String header) {
        StringBuilder md = new StringBuilder(header);
        md.append("| server | ").append(String.join(" | ", COLUMNS)).append(" | time |\n");
        md.append("|---".repeat(COLUMNS.size() + 2)).append("|\n");
        List<String> failures = new ArrayList<>();
        for (MatrixVersion v : MatrixVersion.values()) {
            Map<String, Entry> row = CELLS.get(v);
            if (row == null) {
                continue;
            }
            md.append("| ").append(v.displayName());
            for (String column : COLUMNS) {
                Entry e = row.get(column);
                md.append(" | ").append(e == null ? "not run" : text(e));
                if (e != null) {
                    e.outcomes.stream()
                            .filter(o -> !o.passed())
                            .forEach(o -> failures.add(
                                    v.displayName() + ", " + column + ", " + o.test() + ": " + o.failure()));
                }
            }
            md.append(" | ")
                    .append(String.format(Locale.ROOT, "%.0f s", VERSION_MILLIS.getOrDefault(v, 0L) / 1000.0))
                    .append(" |\n");
        }
        if (!failures.isEmpty()) {
            md.append("\nFailed:\n");
            failures.forEach(f -> md.append("- ").append(f).append('\n'));
        }
        return md.toString();
    }

    private static String text(Entry e) {
        long passed = e.outcomes.stream().filter(Outcome::passed).count();
        int total = e.outcomes.size();
        String counts = passed + "/" + total;
        String prefix = e.note.isEmpty() ? "" : e.note + " ";
        if (passed < total) {
            return prefix + "✗ " + counts;
        }
        if (total == 0) {
            return prefix + "not run";
        }
        return prefix + (e.refusal ? "refused (typed)" : "✓ " + counts);
    }

    static void write(Path file, String markdown) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, markdown, StandardCharsets.UTF_8);
    }
}
