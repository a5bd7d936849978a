package io.github.quiesce.readonly;

import com.mysql.cj.jdbc.MysqlDataSource;
import io.github.quiesce.BackupOptions;
import io.github.quiesce.BackupSession;
import io.github.quiesce.testkit.EmbeddedServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A backup process for the kill -9 test: a child JVM that opens a read-only session on the replica,
 * prints {@value #HELD}, and waits to be killed.
 */
public final class HoldReadOnly {

    static final String HELD = "HELD";

    private HoldReadOnly() {}

    public static void main(String[] args) throws Exception {
        MysqlDataSource ds = new MysqlDataSource();
        ds.setURL(args[0]);
        ds.setUser("root");
        ds.setPassword("");
        BackupOptions options = BackupOptions.builder()
                .strategy(ReadOnlyStrategy.NAME)
                .journalDirectory(Path.of(args[1]))
                .build();
        BackupSession s = BackupSession.open(ds, options);
        s.coordinates();
        System.out.println(HELD);
        System.out.flush();
        Thread.sleep(TimeUnit.MINUTES.toMillis(5));
    }

    static Process start(EmbeddedServer replica, Path journals) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(HoldReadOnly.class.getName());
        cmd.add(replica.jdbcUrl());
        cmd.add(journals.toString());
        return new ProcessBuilder(cmd).redirectErrorStream(true).start();
    }

    /** Reads the child's output until it says it holds the session; fails with what it printed otherwise. */
    static void awaitHeld(Process child) throws IOException {
        StringBuilder seen = new StringBuilder();
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null) {
            if (line.equals(HELD)) {
                return;
            }
            seen.append(line).append('\n');
        }
        throw new IllegalStateException("The child JVM ended without holding the session:\n" + seen);
    }
}
