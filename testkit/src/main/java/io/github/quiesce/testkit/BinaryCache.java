package io.github.quiesce.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URI;
import java.net.URL;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Unpacks a distribution's binaries once per machine into a cache folder and initialises a template
 * data directory there, so that each server start only copies it. A file lock keeps concurrent JVMs
 * (parallel Maven modules) from unpacking the same distribution at once.
 */
final class BinaryCache {

    private static final String COMPLETE_MARKER = ".complete";

    private BinaryCache() {}

    static Path root() {
        String configured = System.getProperty("quiesce.testkit.cache");
        return configured != null
                ? Path.of(configured)
                : Path.of(System.getProperty("java.io.tmpdir"), "quiesce-testkit-" + System.getProperty("user.name"));
    }

    /** The unpacked base directory of the distribution (holding bin/, share/ ...). */
    static Path baseDir(ServerDistribution d) {
        Path dir = root().resolve(d.name().toLowerCase(java.util.Locale.ROOT));
        return locked(d, dir, "base", () -> {
            Path base = dir.resolve("base");
            if (!Files.exists(base.resolve(COMPLETE_MARKER))) {
                deleteTree(base);
                Files.createDirectories(base);
                if (d.isMariaDb()) {
                    unpackJarFolder(d, base);
                } else {
                    unpackTarball(d, base);
                }
                Files.createFile(base.resolve(COMPLETE_MARKER));
            }
            return base;
        });
    }

    /** An initialised, never-started data directory to copy from. */
    static Path templateDataDir(ServerDistribution d, Path base) {
        Path dir = root().resolve(d.name().toLowerCase(java.util.Locale.ROOT));
        return locked(d, dir, "template", () -> {
            Path template = dir.resolve("datadir-template");
            if (!Files.exists(template.resolve(COMPLETE_MARKER))) {
                deleteTree(template);
                Path work = Files.createDirectories(dir.resolve("init-work"));
                Path data = template.resolve("data");
                Files.createDirectories(template);
                // mysqld appends to its log: an earlier failed attempt's lines would read as this one's.
                Files.deleteIfExists(work.resolve("init.log"));
                ServerCommands.initialize(d, base, data, work.resolve("init.log"));
                Files.createFile(template.resolve(COMPLETE_MARKER));
            }
            return template.resolve("data");
        });
    }

    private static final Map<Path, Object> MONITORS = new ConcurrentHashMap<>();

    private interface IoSupplier<T> {
        T get() throws IOException;
    }

    /**
     * The file lock keeps other JVMs out; within one JVM a second FileChannel.lock on the same file throws
     * OverlappingFileLockException instead of waiting, so threads of this JVM queue on a monitor first.
     */
    private static <T> T locked(ServerDistribution d, Path dir, String what, IoSupplier<T> body) {
        Path lockFile = dir.resolve(what + ".lock").toAbsolutePath().normalize();
        synchronized (MONITORS.computeIfAbsent(lockFile, p -> new Object())) {
            try {
                Files.createDirectories(dir);
                try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                        FileLock ignored = ch.lock()) {
                    return body.get();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(
                        "Could not prepare the " + what + " of " + d.displayName() + " in " + dir + ": "
                                + e.getMessage(),
                        e);
            }
        }
    }

    /** The system property naming a folder that holds distribution jars not on the classpath. */
    static final String ARTIFACTS_PROPERTY = "quiesce.testkit.artifacts";

    /**
     * The distribution's own jar, by file name: every MySQL jar has its tarball under the same name, so the
     * first {@code mysql-Linux-amd64.tar.gz} on the classpath may be another version's.
     */
    static Path artifactJar(ServerDistribution d) throws IOException {
        List<String> looked = new ArrayList<>();
        Enumeration<URL> found = BinaryCache.class.getClassLoader().getResources(probeEntry(d));
        while (found.hasMoreElements()) {
            URL url = found.nextElement();
            if (url.openConnection() instanceof JarURLConnection jar) {
                Path file = Path.of(URI.create(jar.getJarFileURL().toString()));
                if (file.getFileName().toString().equals(d.jarFileName())) {
                    return file;
                }
                looked.add(file + " (another version)");
            }
        }
        looked.add("the classpath");
        String folder = System.getProperty(ARTIFACTS_PROPERTY);
        if (folder != null && !folder.isBlank()) {
            Path file = Path.of(folder).resolve(d.jarFileName());
            if (Files.isRegularFile(file)) {
                return file;
            }
            looked.add(file.toString());
        }
        Path repository = Path.of(System.getProperty(
                "maven.repo.local",
                Path.of(System.getProperty("user.home"), ".m2", "repository").toString()));
        Path local = d.jarIn(repository);
        if (Files.isRegularFile(local)) {
            return local;
        }
        looked.add(local.toString());
        throw new IllegalStateException(d.displayName() + " binaries were not found: add the test dependency "
                + d.artifact() + ", or copy its jar into the folder named by -D" + ARTIFACTS_PROPERTY + " (looked in "
                + String.join(", ", looked) + ")");
    }

    private static String probeEntry(ServerDistribution d) {
        return d.isMariaDb() ? d.resource() + d.serverProgram() : d.resource();
    }

    private static void unpackTarball(ServerDistribution d, Path base) throws IOException {
        Path tarball = base.resolve("dist.tar.gz");
        try (JarFile jar = new JarFile(artifactJar(d).toFile())) {
            JarEntry entry = jar.getJarEntry(d.resource());
            if (entry == null) {
                throw new IOException(jar.getName() + " has no " + d.resource());
            }
            try (InputStream in = jar.getInputStream(entry)) {
                Files.copy(in, tarball, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        run(
                new ProcessBuilder("tar", "xzf", tarball.toString(), "-C", base.toString()),
                "Unpacking " + d.displayName(),
                null);
        Files.delete(tarball);
    }

    private static void unpackJarFolder(ServerDistribution d, Path base) throws IOException {
        try (JarFile jar = new JarFile(artifactJar(d).toFile())) {
            Enumeration<JarEntry> entries = jar.entries();
            while (entries.hasMoreElements()) {
                JarEntry e = entries.nextElement();
                if (!e.getName().startsWith(d.resource()) || e.isDirectory()) {
                    continue;
                }
                Path target = base.resolve(e.getName().substring(d.resource().length()))
                        .normalize();
                if (!target.startsWith(base)) {
                    continue;
                }
                Files.createDirectories(target.getParent());
                try (InputStream in = jar.getInputStream(e)) {
                    Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                }
                if (e.getName().contains("/bin/") || e.getName().contains("/scripts/")) {
                    target.toFile().setExecutable(true, false);
                }
            }
        }
        if (!Files.isRegularFile(base.resolve(d.serverProgram()))) {
            throw new IOException(d.displayName() + "'s jar has no " + d.resource() + d.serverProgram());
        }
    }

    /**
     * Runs a program to its end. On a non-zero exit (or after 5 minutes) the exception says what was
     * being done, the exit code, the command, and the last lines of {@code log} (may be null) and of
     * the program's output.
     */
    static void run(ProcessBuilder pb, String what, Path log) throws IOException {
        pb.redirectErrorStream(true);
        Process p = pb.start();
        // Read while it runs: a full pipe would block the program.
        CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "(output unreadable: " + e + ")";
            }
        });
        String outcome;
        try {
            if (!p.waitFor(5, TimeUnit.MINUTES)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                outcome = "did not finish within 5 minutes and was killed";
            } else if (p.exitValue() != 0) {
                outcome = "failed with exit code " + p.exitValue();
            } else {
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException(what + " was interrupted", e);
        }
        String out;
        try {
            out = output.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            out = "(output unavailable: " + e + ")";
        }
        throw new IOException(
                what + " " + outcome + ": " + String.join(" ", pb.command()) + LogTail.of(log) + LogTail.ofOutput(out));
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        }
    }
}
