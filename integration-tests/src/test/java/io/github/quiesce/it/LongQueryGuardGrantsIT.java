package io.github.quiesce.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.quiesce.BackupEvent;
import io.github.quiesce.BackupOptions;
import io.github.quiesce.BackupSession;
import io.github.quiesce.testkit.EmbeddedServer;
import io.github.quiesce.testkit.EmbeddedServers;
import io.github.quiesce.testkit.LogCapture;
import io.github.quiesce.testkit.ServerChecks;
import io.github.quiesce.testkit.ServerDistribution;
import io.github.quiesce.testkit.Writers;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code ftwrl}'s long-query guard with the grants the README documents, with PROCESS swapped for SELECT on
 * performance_schema, and with PROCESS missing: root runs a 3 s SELECT on the table four writers use, and
 * it has run 1.2 s when the session opens. A table flush behind it would hold those writers until it ends.
 */
class LongQueryGuardGrantsIT {

    private static final Logger LOG = LoggerFactory.getLogger(LongQueryGuardGrantsIT.class);
    private static final String SCHEMA = "quiesce_grants";
    private static final String PASSWORD = "grants_pw";
    /** Writers the guard kept from the flush commit in milliseconds; frozen ones wait the query's 1.8 s rest. */
    private static final double NOT_FROZEN_MS = 600;

    private static final double FROZEN_MS = 1_000;

    private static final String WHOLE_SECONDS = "TIME * 1000 AS MS";
    private static final String PERFORMANCE_SCHEMA = "FROM performance_schema.events_statements_current";
    private static final String BLIND = "lacks PROCESS";

    enum Account {
        /** RELOAD, REPLICATION CLIENT, PROCESS: no performance_schema, so MySQL gives ages in whole seconds. */
        DOCUMENTED("RELOAD", "REPLICATION CLIENT", "PROCESS"),
        /** SELECT on performance_schema instead of PROCESS: MySQL lists every account's statements there. */
        PERFORMANCE_SCHEMA_FOR_PROCESS("RELOAD", "REPLICATION CLIENT"),
        /** Sees its own statements only. */
        WITHOUT_PROCESS("RELOAD", "REPLICATION CLIENT");

        final String[] privileges;

        Account(String... privileges) {
            this.privileges = privileges;
        }

        String user() {
            return "g_" + ordinal();
        }
    }

    @ParameterizedTest(name = "{0}, {1}")
    @CsvSource({
        "MYSQL_5_7_22, DOCUMENTED",
        "MYSQL_8_0_12, DOCUMENTED",
        "MYSQL_8_0_15, DOCUMENTED",
        "MYSQL_5_7_22, PERFORMANCE_SCHEMA_FOR_PROCESS",
        "MYSQL_8_0_15, PERFORMANCE_SCHEMA_FOR_PROCESS",
        "MYSQL_8_0_15, WITHOUT_PROCESS",
        "MARIADB_10_2_11, WITHOUT_PROCESS"
    })
    void theGuardSeesWhatItsGrantsShowItAndSaysWhenItIsBlind(ServerDistribution distribution, Account account)
            throws Exception {
        EmbeddedServer server = EmbeddedServers.shared(distribution);
        server.createUser(account.user(), PASSWORD, account.privileges);
        if (account == Account.PERFORMANCE_SCHEMA_FOR_PROCESS) {
            server.execute("GRANT SELECT ON performance_schema.* TO '" + account.user() + "'@'%'");
        }
        String table = Writers.newTable(server, SCHEMA, "g");
        List<String> statements = new CopyOnWriteArrayList<>();
        BackupOptions options = BackupOptions.builder()
                .strategy("ftwrl")
                .lockWaitTimeout(Duration.ofSeconds(30))
                .listener(e -> {
                    if (e instanceof BackupEvent.StatementExecuted executed) {
                        statements.add(executed.statement());
                    }
                })
                .build();
        double worst;
        boolean waited;
        String log;
        try (Writers writers = Writers.running(server, SCHEMA, table)) {
            CompletableFuture<Long> query =
                    ServerChecks.runAsync(server, "SELECT SLEEP(3), COUNT(*) FROM " + SCHEMA + "." + table);
            Thread.sleep(1_200);
            long from = System.nanoTime();
            try (LogCapture capture = new LogCapture();
                    BackupSession s = BackupSession.open(server.dataSource(account.user(), PASSWORD), options)) {
                waited = query.isDone();
                s.coordinates();
                log = capture.text();
            }
            writers.awaitCommitted(writers.committed() + 8, 10_000);
            worst = writers.worstLatencyMillis(from, System.nanoTime());
            query.get(10, TimeUnit.SECONDS);
            assertThat(writers.errors()).isEmpty();
        }
        LOG.info(
                "{}, {}: worst writer commit {} ms, waited for the query: {}",
                distribution.displayName(),
                account,
                String.format(Locale.ROOT, "%.1f", worst),
                waited);
        switch (account) {
            case DOCUMENTED -> {
                assertThat(statements)
                        .as("ages in whole seconds from PROCESSLIST")
                        .anyMatch(q -> q.contains(WHOLE_SECONDS))
                        .noneMatch(q -> q.contains(PERFORMANCE_SCHEMA));
                assertThat(waited)
                        .as("the guard waited for the query (it showed as 1 s)")
                        .isTrue();
                assertThat(worst).as("writers never froze").isLessThan(NOT_FROZEN_MS);
            }
            case PERFORMANCE_SCHEMA_FOR_PROCESS -> {
                assertThat(statements).as("ages from performance_schema").anyMatch(q -> q.contains(PERFORMANCE_SCHEMA));
                assertThat(log).as("no WARN that the guard is blind").doesNotContain(BLIND);
                assertThat(waited)
                        .as("the guard saw root's query and waited for it")
                        .isTrue();
                assertThat(worst).as("writers never froze").isLessThan(NOT_FROZEN_MS);
            }
            case WITHOUT_PROCESS -> {
                assertThat(log).as("a WARN that the guard is blind").contains(BLIND);
                assertThat(worst)
                        .as("what a blind guard costs: the flush waits for the query and, cancelled after"
                                + " acquireTimeout, still holds its table's writers until it ends")
                        .isGreaterThan(FROZEN_MS);
            }
        }
        assertThat(ServerChecks.scalar(
                        server,
                        "SELECT COUNT(*) FROM information_schema.PROCESSLIST"
                                + " WHERE STATE LIKE 'Waiting for%lock%'"))
                .as("nothing left waiting for a lock")
                .isEqualTo("0");
    }
}
