package io.github.quiesce.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.quiesce.BackupException;
import io.github.quiesce.BackupOptions;
import io.github.quiesce.BackupSession;
import io.github.quiesce.LongQueryGuard;
import io.github.quiesce.testkit.EmbeddedServer;
import io.github.quiesce.testkit.EmbeddedServers;
import io.github.quiesce.testkit.ServerChecks;
import io.github.quiesce.testkit.ServerDistribution;
import io.github.quiesce.testkit.Writers;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A long query the guard could not see: a 5 s SELECT on the written table, started 0, 20 and 1,500 ms
 * before {@code open()} (issue 14 also ran 300 and 700 ms, five rounds each), with four writers committing. A table flush behind it would hold every
 * writer of the table until it ends (MySQL: even after the flush is cancelled), so the worst writer
 * commit inside the session window tells whether the guard saw it. Target: a median of at most 50 ms
 * per offset, or a clear refusal that froze nobody. {@code auto} sessions take two snapshot connections,
 * so that its brief FTWRL decision is exercised too; {@code ftwrl} sessions read the coordinates only,
 * since their snapshots would be connected under the lock and measure that instead. {@code table-locks} (issue 17)
 * runs the same rounds as {@code ftwrl} for the comparison: its lock does not conflict with the SELECT, so it
 * should neither wait for it nor freeze a writer; the report gives each session's length too.
 *
 * <p>MySQL 8.0.15 and MariaDB 11.4.5 run every strategy {@link Depth#FULL}. The other four versions (issue 15)
 * run {@code ftwrl} and the lock {@code auto} picks there {@link Depth#BRIEF}ly: a 3 s query and two
 * offsets, since wherever the flush waits for the query, so does each {@code ftwrl} round, and CI has 30
 * minutes for everything.
 */
class YoungQueryStallIT {

    private static final Logger LOG = LoggerFactory.getLogger(YoungQueryStallIT.class);
    private static final String SCHEMA = "quiesce_young";
    /**
     * How hard a cell is tried. Even a BRIEF round leaves a frozen writer at least 1.5 s behind the query
     * ({@code querySeconds} minus the last offset), above {@link #FROZEN_MS}.
     */
    enum Depth {
        FULL(new int[] {0, 20, 1_500}, 3, 5),
        BRIEF(new int[] {20, 1_500}, 3, 3);

        final int[] offsetsMs;
        final int rounds;
        final int querySeconds;

        Depth(int[] offsetsMs, int rounds, int querySeconds) {
            this.offsetsMs = offsetsMs;
            this.rounds = rounds;
            this.querySeconds = querySeconds;
        }
    }

    /** The target for the median of each offset: reported, since CI machines are noisier than that. */
    private static final double TARGET_MS = 50;
    /**
     * What CI asserts: a writer frozen behind the query waits its remaining 3.5 s or more (see the control),
     * while this machine alone gives single commits of up to 100-180 ms over windows of seconds.
     */
    private static final double FROZEN_MS = 1_000;

    private static final double MEDIAN_BOUND_MS = 150;

    private static final int WRITE_SECONDS = 2;
    /** A write the guard missed holds writers for the acquire timeout or the write's rest, 1 s or more. */
    private static final double WRITE_BOUND_MS = 500;

    record Round(double worstMillis, String refusal, double sessionMillis) {}

    @ParameterizedTest(name = "{0} {1} ({2})")
    @CsvSource({
        "MYSQL_8_0_15, ftwrl, FULL",
        "MYSQL_8_0_15, auto, FULL",
        "MYSQL_8_0_15, table-locks, FULL",
        "MARIADB_11_4_5, ftwrl, FULL",
        "MARIADB_11_4_5, auto, FULL",
        "MARIADB_11_4_5, table-locks, FULL",
        "MYSQL_5_7_22, ftwrl, BRIEF",
        "MYSQL_5_7_22, auto, BRIEF",
        "MYSQL_8_0_12, ftwrl, BRIEF",
        "MYSQL_8_0_12, auto, BRIEF",
        "MARIADB_10_2_11, ftwrl, BRIEF",
        "MARIADB_10_2_11, auto, BRIEF",
        "MARIADB_10_11_5, ftwrl, BRIEF",
        "MARIADB_10_11_5, auto, BRIEF"
    })
    void aLongSelectStartedJustBeforeTheSessionFreezesNoWriter(
            ServerDistribution distribution, String strategy, Depth depth) throws Exception {
        EmbeddedServer server = EmbeddedServers.shared(distribution);
        String table = Writers.newTable(server, SCHEMA, "young");
        BackupOptions options = BackupOptions.builder().strategy(strategy).build();
        StringBuilder report = new StringBuilder("\n" + distribution.displayName() + ", " + strategy
                + ": worst writer commit in the session window, " + depth.rounds
                + " rounds per offset, a " + depth.querySeconds + " s query, and how long the session took"
                + "\n| offset | median | max | refused | session median |\n|---|---|---|---|---|\n");
        List<String> misses = new ArrayList<>();
        try (Writers writers = Writers.running(server, SCHEMA, table)) {
            for (int offset : depth.offsetsMs) {
                List<Round> rounds = new ArrayList<>();
                for (int i = 0; i < depth.rounds; i++) {
                    rounds.add(round(server, writers, table, options, offset, depth.querySeconds));
                }
                double[] worst =
                        rounds.stream().mapToDouble(Round::worstMillis).sorted().toArray();
                double median = worst[worst.length / 2];
                long refused = rounds.stream().filter(r -> r.refusal() != null).count();
                double[] sessions = rounds.stream()
                        .mapToDouble(Round::sessionMillis)
                        .sorted()
                        .toArray();
                report.append(String.format(
                        "| %d ms | %.1f ms | %.1f ms | %d | %.0f ms |%n",
                        offset, median, worst[worst.length - 1], refused, sessions[sessions.length / 2]));
                rounds.stream().filter(r -> r.refusal() != null).findFirst().ifPresent(r -> report.append("  refusal: ")
                        .append(r.refusal())
                        .append('\n'));
                report.append(median <= TARGET_MS ? "" : "  above the " + TARGET_MS + " ms target\n");
                if (median > MEDIAN_BOUND_MS || worst[worst.length - 1] > FROZEN_MS) {
                    misses.add(offset + " ms: median " + median + " ms, max " + worst[worst.length - 1] + " ms");
                }
            }
            assertThat(writers.errors()).isEmpty();
        }
        LOG.info("{}", report);
        System.out.println(report);
        assertThat(misses)
                .as("offsets with a frozen writer (> %s ms) or a median above %s ms", FROZEN_MS, MEDIAN_BOUND_MS)
                .isEmpty();
        assertNoLockLeft(server);
    }

    /**
     * A DDL runs at once, which no global read lock, backup lock, backup stage or table lock left behind
     * would allow; on MySQL, performance_schema lists no global lock either (the testkit turns its
     * metadata-lock instrument on for 5.7, which has it off by default).
     */
    private static void assertNoLockLeft(EmbeddedServer server) {
        assertThat(ServerChecks.ddlRunsAtOnce(server, SCHEMA))
                .as("a DDL on %s runs at once", server)
                .isTrue();
        if (!server.distribution().isMariaDb()) {
            assertThat(ServerChecks.globalMetadataLocks(server)).isZero();
        }
    }

    /**
     * A long write started 0 and 20 ms before {@code open()}, on a table the writers do not touch: every
     * server's flush waits for it, and every writer of every table then waits for the flush. At the guard's
     * first look it is younger than the threshold; the guard must keep watching it until it shows as long
     * (issue 20 replaced a fixed second look one threshold later with that watch). A miss holds the
     * writers until the write ends or the lock attempt is cancelled: 1 s and more, where {@link #WRITE_BOUND_MS}
     * is asserted. {@code auto} on MySQL takes snapshots, so its brief FTWRL decision is what is tried there.
     * Not MySQL {@code ftwrl}: its pre-flush waits behind the write without holding the writers, so a miss
     * would not show. With the watch removed (the guard looking once), this test failed in both cells: writers
     * held 1,958 and 1,983 ms on MariaDB (2 of 4 rounds), 1,007 ms on MySQL (1 of 4).
     */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"MARIADB_11_4_5, ftwrl", "MYSQL_8_0_15, auto"})
    void aLongWriteStartedJustBeforeTheSessionFreezesNoWriter(ServerDistribution distribution, String strategy)
            throws Exception {
        EmbeddedServer server = EmbeddedServers.shared(distribution);
        String table = Writers.newTable(server, SCHEMA, "write");
        String side = Writers.newTable(server, SCHEMA, "side");
        server.execute("INSERT INTO " + SCHEMA + "." + side + " (writer, seq) VALUES (0, 0)");
        String write = "UPDATE " + SCHEMA + "." + side + " SET seq = seq + 1 WHERE SLEEP(" + WRITE_SECONDS + ") = 0";
        BackupOptions options = BackupOptions.builder()
                .strategy(strategy)
                .acquireTimeout(Duration.ofSeconds(WRITE_SECONDS))
                .build();
        List<String> rounds = new ArrayList<>();
        double worst = 0;
        try (Writers writers = Writers.running(server, SCHEMA, table)) {
            for (int offset : new int[] {0, 20, 0, 20}) {
                Round r = roundBehind(server, writers, write, options, offset, WRITE_SECONDS);
                rounds.add(String.format(
                        "%d ms: worst %.1f ms, session %.0f ms%s",
                        offset,
                        r.worstMillis(),
                        r.sessionMillis(),
                        r.refusal() == null ? "" : ", refused: " + r.refusal()));
                worst = Math.max(worst, r.worstMillis());
            }
            assertThat(writers.errors()).isEmpty();
        }
        LOG.info(
                "{} {}, a {} s write started just before: {}",
                distribution.displayName(),
                strategy,
                WRITE_SECONDS,
                rounds);
        assertThat(worst).as("worst writer commit over the rounds %s", rounds).isLessThan(WRITE_BOUND_MS);
        assertNoLockLeft(server);
    }

    /** The control: the same round with the guard off freezes writers, so the rounds above could fail. */
    @Test
    void withTheGuardOffTheSameRoundFreezesWriters() throws Exception {
        EmbeddedServer server = EmbeddedServers.shared(ServerDistribution.MYSQL_8_0_15);
        String table = Writers.newTable(server, SCHEMA, "control");
        BackupOptions blind = BackupOptions.builder()
                .strategy("ftwrl")
                .longQueryGuard(LongQueryGuard.OFF)
                .build();
        try (Writers writers = Writers.running(server, SCHEMA, table)) {
            Round round = round(server, writers, table, blind, 300, Depth.FULL.querySeconds);
            LOG.info(
                    "control, guard off, SELECT started 300 ms before: worst writer commit {} ms", round.worstMillis());
            assertThat(round.worstMillis()).isGreaterThan(FROZEN_MS);
        }
    }

    /** One session with the SELECT started {@code offsetMs} before it; the query is ended right after. */
    private static Round round(
            EmbeddedServer server, Writers writers, String table, BackupOptions options, int offsetMs, int querySeconds)
            throws Exception {
        return roundBehind(
                server,
                writers,
                "SELECT SLEEP(" + querySeconds + ") FROM " + SCHEMA + "." + table + " LIMIT 1",
                options,
                offsetMs,
                querySeconds);
    }

    /** One session with {@code longStatement} started {@code offsetMs} before it; the statement is ended right after. */
    private static Round roundBehind(
            EmbeddedServer server,
            Writers writers,
            String longStatement,
            BackupOptions options,
            int offsetMs,
            int querySeconds)
            throws Exception {
        try (Connection query = server.connect();
                Statement st = query.createStatement()) {
            long id = ServerChecks.connectionId(query);
            CompletableFuture<Void> running = CompletableFuture.runAsync(() -> run(st, longStatement));
            awaitRunning(server, id, longStatement.substring(0, longStatement.indexOf(' ')));
            Thread.sleep(offsetMs);
            long from = System.nanoTime();
            String refusal = null;
            try (BackupSession s = BackupSession.open(server.dataSource(), options)) {
                if (options.isAuto()) {
                    s.snapshotConnections(2).forEach(YoungQueryStallIT::closeQuietly);
                }
                s.coordinates();
            } catch (BackupException e) {
                refusal = e.getClass().getSimpleName() + ": " + e.getMessage();
            }
            long to = System.nanoTime();
            server.execute("KILL QUERY " + id);
            running.get(querySeconds * 2L, TimeUnit.SECONDS);
            writers.awaitCommitted(writers.committed() + 8, 10_000);
            return new Round(writers.worstLatencyMillis(from, to), refusal, (to - from) / 1e6);
        }
    }

    /** The statement has been sent and the server runs it: offset 0 means "just started", not "not yet sent". */
    private static void awaitRunning(EmbeddedServer server, long id, String firstWord) throws InterruptedException {
        for (int i = 0; i < 500; i++) {
            if (ServerChecks.count(
                            server,
                            "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = " + id + " AND INFO LIKE '"
                                    + firstWord + " %'")
                    > 0) {
                return;
            }
            Thread.sleep(1);
        }
        throw new IllegalStateException("the long query never started");
    }

    private static void run(Statement st, String sql) {
        try {
            st.execute(sql);
        } catch (SQLException e) {
            // Ended by KILL QUERY on purpose (MySQL returns 1 from SLEEP instead; MariaDB may raise 1317).
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException e) {
            // The snapshot is only there to exercise the capture.
        }
    }
}
