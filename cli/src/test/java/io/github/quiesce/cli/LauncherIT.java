package io.github.quiesce.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher script as a user installs it: beside the jar, in bin/ with the jar in lib/, behind a link on PATH. */
class LauncherIT {

    private static final Path TARGET = Path.of("target");

    @TempDir
    Path dir;

    record Result(int exit, String out, String err) {}

    private Result run(Path launcher, Map<String, String> env, String... args) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(concat(launcher.toString(), args));
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().remove("QUIESCE_JAVA_OPTS");
        pb.environment().putAll(env);
        pb.redirectOutput(dir.resolve("out").toFile())
                .redirectError(dir.resolve("err").toFile());
        Process p = pb.start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the launcher ended").isTrue();
        return new Result(
                p.exitValue(),
                Files.readString(dir.resolve("out"), StandardCharsets.UTF_8),
                Files.readString(dir.resolve("err"), StandardCharsets.UTF_8));
    }

    private static List<String> concat(String first, String... rest) {
        return Stream.concat(Stream.of(first), Stream.of(rest)).toList();
    }

    private static Path copy(Path from, Path to) throws IOException {
        Files.createDirectories(to.getParent());
        return Files.copy(from, to, StandardCopyOption.COPY_ATTRIBUTES);
    }

    @Test
    void theBuildPutsAnExecutableLauncherBesideTheJar() throws Exception {
        Path launcher = TARGET.resolve("quiesce");
        assertThat(Files.isExecutable(launcher)).as(launcher + " is executable").isTrue();
        Result r = run(launcher, Map.of(), "--help");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("usage: quiesce --url URL --user USER [options]");
    }

    @Test
    void aLinkOnPathFindsTheJarInLibBesideTheRealBin() throws Exception {
        Path bin = copy(TARGET.resolve("quiesce"), dir.resolve("opt/quiesce/bin/quiesce"));
        copy(TARGET.resolve("quiesce-cli.jar"), dir.resolve("opt/quiesce/lib/quiesce-cli.jar"));
        Path onPath = Files.createDirectories(dir.resolve("home/bin")).resolve("quiesce");
        Files.createSymbolicLink(onPath, Path.of("../../opt/quiesce/bin/quiesce"));
        Result r = run(onPath, Map.of(), "--help");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("--exec V");
        assertThat(bin).exists();
    }

    @Test
    void passesJavaOptionsArgumentsAndTheExitCode() throws Exception {
        Result r = run(
                TARGET.resolve("quiesce"),
                Map.of("QUIESCE_JAVA_OPTS", "-Xmx77m -XshowSettings:vm"),
                "--no such-option");
        assertThat(r.exit()).isEqualTo(QuiesceCli.USAGE);
        assertThat(r.err())
                .contains("Max. Heap Size: 77.00M", "quiesce-cli: unknown option --no such-option (see --help)");
    }

    @Test
    void saysWhereItLookedWhenTheJarIsMissing() throws Exception {
        Path alone = copy(TARGET.resolve("quiesce"), dir.resolve("alone/bin/quiesce"));
        Result r = run(alone, Map.of(), "--help");
        assertThat(r.exit()).isEqualTo(QuiesceCli.FAILED);
        assertThat(r.err())
                .contains("quiesce-cli.jar is in neither ")
                .contains(alone.getParent().toRealPath().toString());
    }
}
