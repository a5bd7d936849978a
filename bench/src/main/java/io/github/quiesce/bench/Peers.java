package io.github.quiesce.bench;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The peer programs the bench runs for real, looked up on {@code PATH} (and {@code /usr/sbin}, where Debian
 * puts {@code mariadbd} and a non-root PATH often does not reach). {@code bench/setup-peers.sh} installs
 * them from Debian 12's packages; nothing here installs or starts a service.
 */
final class Peers {

    static final String SETUP = "bench/setup-peers.sh installs it from Debian 12";

    private Peers() {}

    /** The first of {@code names} that is an executable file on PATH or in /usr/sbin. */
    static Optional<Path> find(String... names) {
        String path = Optional.ofNullable(System.getenv("PATH")).orElse("");
        return Stream.concat(Arrays.stream(path.split(File.pathSeparator)), Stream.of("/usr/sbin"))
                .filter(dir -> !dir.isBlank())
                .flatMap(dir -> Arrays.stream(names).map(n -> Path.of(dir, n)))
                .filter(p -> Files.isRegularFile(p) && Files.isExecutable(p))
                .findFirst();
    }

    /** Deletes a scratch directory: a peer's output, or the data of the server the bench started. */
    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not delete " + root, e);
        }
    }
}
