package io.github.quiesce.internal;

import io.github.quiesce.BackupException;
import io.github.quiesce.LockAcquisitionException;
import io.github.quiesce.ServerInfo;
import io.github.quiesce.UnrecoveredSessionException;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a session changed on a server that outlives its connection (e.g. {@code read_only}), written to
 * a local file before the change and removed after a clean restore, so that {@link BackupSession#recover}
 * can put the server back after the backup process died (a global read lock dies with its connection;
 * {@code read_only=ON} does not). One file per server, named after {@link ServerInfo#identity()}; written
 * to a temporary file, forced to disk and linked into place, so a crash never leaves half a journal. The
 * link fails when the file exists: two sessions can never both believe they own a server's global settings.
 */
public final class Journal {

    static final String SUFFIX = ".journal";
    /** Journals of this JVM's sessions that are still open; a failed session's journal leaves it and awaits recover(). */
    private static final Set<Path> OPEN = ConcurrentHashMap.newKeySet();

    private static final String STATE = "state.";

    /** One leftover journal: who wrote it, when, for which server, and the strategy's own state. */
    record Entry(
            Path file,
            String strategy,
            String server,
            String host,
            long pid,
            Instant created,
            Map<String, String> state) {
        String describe() {
            return "strategy '" + strategy + "' (process " + pid + " on " + host + ", " + created + ", journal " + file
                    + ")";
        }

        /**
         * A session in progress, not a leftover: in this JVM, a session that has not settled it yet; else a
         * process that still runs on this host.
         */
        boolean isLive() {
            if (!host.equals(localHost())) {
                return false;
            }
            if (pid == ProcessHandle.current().pid()) {
                return OPEN.contains(file.toAbsolutePath());
            }
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        }
    }

    private Journal() {}

    /** {@code $XDG_STATE_HOME/quiesce}, else {@code ~/.local/state/quiesce}: survives reboots, unlike a temp dir. */
    public static Path defaultDirectory() {
        String xdg = System.getenv("XDG_STATE_HOME");
        Path base = xdg != null && !xdg.isBlank()
                ? Path.of(xdg)
                : Path.of(System.getProperty("user.home"), ".local", "state");
        return base.resolve("quiesce");
    }

    static Path fileFor(Path directory, ServerInfo server) {
        return directory.resolve(server.identity().replaceAll("[^A-Za-z0-9._-]", "_") + SUFFIX);
    }

    static Optional<Entry> read(Path directory, ServerInfo server) {
        return readFile(fileFor(directory, server));
    }

    private static Optional<Entry> readFile(Path file) {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read the quiesce journal " + file, e);
        }
        Map<String, String> state = new LinkedHashMap<>();
        for (String k : p.stringPropertyNames()) {
            if (k.startsWith(STATE)) {
                state.put(k.substring(STATE.length()), p.getProperty(k));
            }
        }
        return Optional.of(new Entry(
                file,
                p.getProperty("strategy", "?"),
                p.getProperty("server", "?"),
                p.getProperty("host", "?"),
                Long.parseLong(p.getProperty("pid", "0")),
                Instant.parse(p.getProperty("created", Instant.EPOCH.toString())),
                Map.copyOf(state)));
    }

    /**
     * Writes the journal for {@code server}. The first write of a session claims the file: it fails if
     * another session's journal is there, with {@link LockAcquisitionException} while that session's
     * process runs, else with {@link UnrecoveredSessionException}. Later writes of the same session replace it.
     */
    static Path write(Path directory, ServerInfo server, String strategy, Map<String, String> state, boolean claim) {
        Path file = fileFor(directory, server);
        Properties p = new Properties();
        p.setProperty("strategy", strategy);
        p.setProperty("server", server.toString());
        p.setProperty("host", localHost());
        p.setProperty("pid", String.valueOf(ProcessHandle.current().pid()));
        p.setProperty("created", Instant.now().toString());
        state.forEach((k, v) -> p.setProperty(STATE + k, v));
        try {
            Files.createDirectories(directory);
            StringWriter text = new StringWriter();
            p.store(text, "quiesce: what to restore on " + server + " if this process dies; see BackupSession.recover");
            Path tmp = Files.createTempFile(directory, "journal-", ".tmp");
            try (FileChannel ch =
                    FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ch.write(ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.ISO_8859_1)));
                ch.force(true);
            }
            if (!claim) {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                return file;
            }
            try {
                Files.createLink(file, tmp);
                OPEN.add(file.toAbsolutePath());
            } catch (FileAlreadyExistsException taken) {
                throw claimedBySomeoneElse(directory, server);
            } finally {
                Files.deleteIfExists(tmp);
            }
            return file;
        } catch (IOException e) {
            throw new BackupException(
                    "Could not write the quiesce journal " + file + " (" + e.getMessage() + "); nothing global"
                            + " was changed. Set BackupOptions.journalDirectory to a writable directory.",
                    e);
        }
    }

    private static BackupException claimedBySomeoneElse(Path directory, ServerInfo server) {
        Optional<Entry> other = read(directory, server);
        String who = other.map(Entry::describe).orElse("a session that has just finished");
        if (other.isPresent() && !other.get().isLive()) {
            return new UnrecoveredSessionException(
                    "A previous session on " + server + " changed global settings and did not restore them: " + who
                            + ". Nothing was changed now. Run BackupSession.recover(dataSource, options), then open again.");
        }
        return new LockAcquisitionException(
                "Another session holds global settings of " + server + " changed: " + who
                        + ". Sessions that change global settings cannot overlap on one server; nothing was changed now. Try again when it has closed.");
    }

    /** Looked up once: the name resolution behind it can be slow, and it does not change under a running JVM. */
    static String localHost() {
        return LocalHost.NAME;
    }

    private static final class LocalHost {
        static final String NAME = lookUp();

        private static String lookUp() {
            try {
                return InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                return "unknown-host";
            }
        }
    }

    /** The session that wrote it has ended: the journal, if still there, is now a leftover for recover(). */
    static void settled(Path file) {
        OPEN.remove(file.toAbsolutePath());
    }

    /**
     * Removes a leftover journal only if it is still the one that was read (same process, host and time),
     * not a new session's claim made since. Returns whether it is gone.
     */
    static boolean deleteIfUnchanged(Entry entry) {
        Optional<Entry> now;
        try {
            now = readFile(entry.file());
        } catch (UncheckedIOException e) {
            return false;
        }
        if (now.isEmpty()) {
            return true;
        }
        Entry e = now.get();
        if (e.pid() != entry.pid()
                || !e.host().equals(entry.host())
                || !e.created().equals(entry.created())) {
            return false;
        }
        delete(entry.file());
        return true;
    }

    static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not remove the quiesce journal " + file, e);
        }
    }
}
