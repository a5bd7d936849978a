package io.github.quiesce.percona;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one generation's conformance cases against a target, one dynamic test each (named by the MTR file
 * and line it reproduces), then checks that the cases exercised every statement the strategy sends on that
 * generation and expected every error it maps.
 */
final class ConformanceRun {

    private static final Logger LOG = LoggerFactory.getLogger(ConformanceRun.class);

    /** Errors the strategy (or core, for it) maps to typed failures; each must be one a case expects. */
    static final Set<MtrError> MAPPED_ERRORS = EnumSet.of(
            MtrError.ER_CANT_EXECUTE_WITH_BACKUP_LOCK,
            MtrError.ER_OPTION_PREVENTS_STATEMENT,
            MtrError.ER_LOCK_OR_ACTIVE_TRANSACTION,
            MtrError.ER_LOCK_WAIT_TIMEOUT);

    private final PerconaGeneration generation;
    private final Supplier<Optional<ConformanceTarget>> target;
    private final List<String> executed = Collections.synchronizedList(new ArrayList<>());
    private final Set<MtrError> expected = Collections.synchronizedSet(EnumSet.noneOf(MtrError.class));
    private int passed;
    private int skipped;

    /**
     * @param target the target, or empty with the reason reported by {@code unavailable} (no Docker): every
     *               case is then reported as skipped
     */
    ConformanceRun(PerconaGeneration generation, Supplier<Optional<ConformanceTarget>> target) {
        this.generation = generation;
        this.target = target;
    }

    Stream<DynamicNode> tests(Supplier<String> unavailable) {
        List<ConformanceCase> cases = PerconaConformanceCases.forGeneration(generation);
        Stream<DynamicNode> each =
                cases.stream().map(c -> DynamicTest.dynamicTest(c.displayName(), () -> run(c, unavailable)));
        DynamicNode coverage = DynamicTest.dynamicTest(
                "[" + label() + "] " + cases.size() + " cases cover every statement the strategy"
                        + " sends and every error it maps",
                () -> coverage(cases, unavailable));
        return Stream.concat(each, Stream.of(coverage));
    }

    private void run(ConformanceCase c, Supplier<String> unavailable) throws Exception {
        ConformanceTarget t = target.get().orElse(null);
        Assumptions.assumeTrue(t != null, unavailable);
        Optional<String> cannot = t.reset(c.requires());
        if (cannot.isPresent()) {
            skipped++;
            Assumptions.abort(cannot.get());
        }
        try (Mtr mtr = new Mtr(t, executed, expected)) {
            for (String setup : PerconaConformanceCases.SETUP) {
                mtr.con("default").ok(setup);
            }
            c.body().run(mtr);
        } catch (AssertionError e) {
            // Maven's summary names dynamic tests by index: say which MTR assertion this is.
            throw new AssertionError(c.displayName() + " on " + t.describe() + ": " + e.getMessage(), e);
        }
        passed++;
    }

    private void coverage(List<ConformanceCase> cases, Supplier<String> unavailable) {
        Assumptions.assumeTrue(target.get().isPresent(), unavailable);
        Assumptions.assumeTrue(passed + skipped == cases.size(), "some cases failed; coverage is not meaningful");
        List<String> ran = executed.stream().map(ConformanceRun::normalize).toList();
        for (String statement : BackupLockStatements.sentOn(generation)) {
            assertThat(ran)
                    .as("a %s case runs the strategy's statement", label())
                    .contains(normalize(statement));
        }
        assertThat(expected).as("errors the %s cases expect", label()).containsAll(MAPPED_ERRORS);
        LOG.info(
                "conformance {} on {}: {} cases, {} passed, {} skipped",
                label(),
                target.get().map(ConformanceTarget::describe).orElse("-"),
                cases.size(),
                passed,
                skipped);
    }

    private String label() {
        return generation == PerconaGeneration.PS_80 ? "8.0" : "5.7";
    }

    private static String normalize(String sql) {
        return sql.trim().replaceAll("\\s+", " ").toUpperCase(Locale.ROOT);
    }
}
