package io.github.quiesce;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.io.StringWriter;

/**
 * What a session changed on a server that outlives its connection (e.g. {@code read_only}), written to
 * a local file before the change and removed after a clean restore, so that {@link BackupSession#recover}
 * can put the server back after the backup process died (a global read lock dies with its connection;
 * {@code read_only=ON} does not). One file per server, named after {@link ServerInfo#identity()}; written
 * to a temporary file, forced to disk and moved into place, so a crash never leaves half a journal.
 */
final class Journal {

    static final String SUFFIX = ".journal";
    private static final String STATE = "state.";

    /** One leftover journal: who wrote it, when, for which server, and the strategy's own state. */
    record Entry(Path file, String strategy, String server, long pid, Instant created, Map<String, String> state) {
        String describe() {
            return "strategy '" + strategy + "' (process " + pid + ", " + created + ", journal " + file + ")";
        }
    }

    private Journal() {
    }

    /** {@code $XDG_STATE_HOME/quiesce}, else {@code ~/.local/state/quiesce}: survives reboots, unlike a temp dir. */
    static Path defaultDirectory() {
        String xdg = System.getenv("XDG_STATE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".local", "state");
        return base.resolve("quiesce");
    }

    static Path fileFor(Path directory, ServerInfo server) {
        return directory.resolve(server.identity().replaceAll("[^A-Za-z0-9._-]", "_") + SUFFIX);
    }

    static Optional<Entry> read(Path directory, ServerInfo server) {
        Path file = fileFor(directory, server);
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
        return Optional.of(new Entry(file, p.getProperty("strategy", "?"), p.getProperty("server", "?"),
                Long.parseLong(p.getProperty("pid", "0")), Instant.parse(p.getProperty("created", Instant.EPOCH.toString())), Map.copyOf(state)));
    }

    static Path write(Path directory, ServerInfo server, String strategy, Map<String, String> state) {
        Path file = fileFor(directory, server);
        Properties p = new Properties();
        p.setProperty("strategy", strategy);
        p.setProperty("server", server.toString());
        p.setProperty("pid", String.valueOf(ProcessHandle.current().pid()));
        p.setProperty("created", Instant.now().toString());
        state.forEach((k, v) -> p.setProperty(STATE + k, v));
        try {
            Files.createDirectories(directory);
            StringWriter text = new StringWriter();
            p.store(text, "quiesce: what to restore on " + server + " if this process dies; see BackupSession.recover");
            Path tmp = Files.createTempFile(directory, "journal-", ".tmp");
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ch.write(ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.ISO_8859_1)));
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return file;
        } catch (IOException e) {
            throw new BackupException("Could not write the quiesce journal " + file + " (" + e.getMessage() + "); nothing global"
                    + " was changed. Set BackupOptions.journalDirectory to a writable directory.", e);
        }
    }

    static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not remove the quiesce journal " + file, e);
        }
    }
}
