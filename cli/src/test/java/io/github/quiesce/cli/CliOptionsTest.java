package io.github.quiesce.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.quiesce.cli.CliOptions.Option;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Bad usage is refused before anything connects, with exit code 2 and the option named. */
class CliOptionsTest {

    private static final String URL = "jdbc:mysql://127.0.0.1:1/";

    record Result(int exit, String out, String err) {}

    private static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = QuiesceCli.run(
                args,
                Streams.plain(
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8)));
        return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void anUnknownOptionIsUsageError() {
        Result r = run("--url", URL, "--user", "backup", "--no-such-option");
        assertThat(r.exit()).isEqualTo(QuiesceCli.USAGE);
        assertThat(r.err()).isEqualTo("quiesce-cli: unknown option --no-such-option (see --help)\n");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void anOptionWithoutItsValueIsUsageError() {
        Result r = run("--user", "backup", "--url");
        assertThat(r.exit()).isEqualTo(QuiesceCli.USAGE);
        assertThat(r.err()).contains("--url needs a value");
    }

    @Test
    void aUrlThatIsNotJdbcMysqlIsRefusedShowingOnlyItsScheme() {
        Result r = run("--url", "postgresql://backup:s3cret@db1/", "--user", "backup");
        assertThat(r.exit()).isEqualTo(QuiesceCli.USAGE);
        assertThat(r.err())
                .contains("--url must be a jdbc:mysql: URL, got one starting with 'postgresql:'")
                .doesNotContain("s3cret");

        Result noScheme = run("--url", "db1:3306", "--user", "backup");
        assertThat(noScheme.exit()).isEqualTo(QuiesceCli.USAGE);
        assertThat(noScheme.err()).contains("got one starting with 'db1:'");
    }

    @Test
    void urlAndUserAreRequired() {
        assertThat(run("--user", "backup").err()).contains("--url is required");
        assertThat(run("--url", URL).err()).contains("--user is required");
        assertThat(run().exit()).isEqualTo(QuiesceCli.USAGE);
    }

    @Test
    void secondsMustBeWholeAndPositive() {
        for (String bad : new String[] {"0", "-1", "1.5", "ten", "9999999999"}) {
            Result r = run("--url", URL, "--user", "backup", "--lock-wait-timeout", bad);
            assertThat(r.exit()).as(bad).isEqualTo(QuiesceCli.USAGE);
            assertThat(r.err()).contains("--lock-wait-timeout takes whole seconds greater than 0, got '" + bad + "'");
        }
        assertThat(run("--url", URL, "--user", "backup", "--max-lock-hold", "0").err())
                .contains("--max-lock-hold takes whole seconds");
    }

    @Test
    void galeraDesyncIsAutoOrAlways() {
        Result r = run("--url", URL, "--user", "backup", "--galera-desync", "sometimes");
        assertThat(r.exit()).isEqualTo(QuiesceCli.USAGE);
        assertThat(r.err()).contains("--galera-desync takes auto or always, got 'sometimes'");
        CliOptions opts = CliOptions.parse(new String[] {"--url", URL, "--user", "backup", "--galera-desync", "always"})
                .check();
        assertThat(opts.backupOptions().build().galeraDesync()).isEqualTo(io.github.quiesce.GaleraDesync.ALWAYS);
        assertThat(CliOptions.parse(new String[] {"--url", URL, "--user", "backup"})
                        .check()
                        .backupOptions()
                        .build()
                        .galeraDesync())
                .isEqualTo(io.github.quiesce.GaleraDesync.AUTO);
    }

    @Test
    void anUnsetPasswordVariableIsUsageErrorAndNamesOnlyTheVariable() {
        Result r = run("--url", URL, "--user", "backup", "--password-env", "QUIESCE_CLI_TEST_SURELY_UNSET");
        assertThat(r.exit()).isEqualTo(QuiesceCli.USAGE);
        assertThat(r.err()).contains("environment variable QUIESCE_CLI_TEST_SURELY_UNSET is not set");
    }

    @Test
    void helpWorksAloneAndListsEveryOptionWithItsDefault() {
        Result r = run("--help");
        assertThat(r.exit()).isZero();
        for (Option o : Option.values()) {
            assertThat(r.out()).contains(o.flag);
        }
        assertThat(r.out()).contains("(default: auto)", "(default: 60)", "(default: 3600)");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void parsedValuesReachTheSessionOptions() {
        CliOptions opts = CliOptions.parse(new String[] {
                    "--url",
                    URL,
                    "--user",
                    "backup",
                    "--strategy",
                    "ftwrl",
                    "--lock-wait-timeout",
                    "5",
                    "--max-lock-hold",
                    "90",
                    "--json",
                    "--exec",
                    "true"
                })
                .check();
        assertThat(opts.has(Option.JSON)).isTrue();
        assertThat(opts.has(Option.META_DIR)).isFalse();
        assertThat(opts.get(Option.EXEC)).isEqualTo("true");
        var options = opts.backupOptions().build();
        assertThat(options.strategy()).isEqualTo("ftwrl");
        assertThat(options.lockWaitTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(options.maxLockHold()).isEqualTo(Duration.ofSeconds(90));
        assertThat(CliOptions.parse(new String[0]).get(Option.STRATEGY)).isEqualTo("auto");
    }

    @Test
    void aFlagTakesNoValue() {
        assertThatThrownBy(() -> CliOptions.parse(new String[] {"--json", "yes"}))
                .hasMessage("unknown option yes");
    }
}
