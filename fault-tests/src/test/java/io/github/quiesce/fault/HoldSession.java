package io.github.quiesce.fault;

import com.mysql.cj.jdbc.MysqlDataSource;
import io.github.quiesce.BackupOptions;
import io.github.quiesce.BackupSession;
import io.github.quiesce.readonly.ReadOnlyStrategy;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The backup process of the kill -9 fault: a child JVM that holds a session, says {@value #HELD}, and waits to be killed. */
public final class HoldSession {

    static final String HELD = "HELD";

    private HoldSession() {}

    /** Arguments: JDBC URL, strategy, journal directory. */
    public static void main(String[] args) throws Exception {
        MysqlDataSource ds = new MysqlDataSource();
        ds.setURL(args[0]);
        ds.setUser("root");
        ds.setPassword("");
        BackupOptions.Builder options =
                BackupOptions.builder().strategy(args[1]).journalDirectory(Path.of(args[2]));
        if (args[1].equals(ReadOnlyStrategy.NAME)) {
            options.set(ReadOnlyStrategy.STOP_REPLICA_SQL_THREAD, true);
        }
        BackupSession s = BackupSession.open(ds, options.build());
        s.coordinates();
        System.out.println(HELD);
        System.out.flush();
        Thread.sleep(TimeUnit.MINUTES.toMillis(5));
    }

    static Process start(String jdbcUrl, String strategy, Path journals) throws IOException {
        List<String> cmd = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                HoldSession.class.getName(),
                jdbcUrl,
                strategy,
                journals.toString());
        return new ProcessBuilder(cmd).redirectErrorStream(true).start();
    }

    /** Returns what the child printed (its log) before it said it holds the session. */
    static String awaitHeld(Process child) throws IOException {
        StringBuilder seen = new StringBuilder();
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        for (String line = out.readLine(); line != null; line = out.readLine()) {
            if (line.equals(HELD)) {
                return seen.toString();
            }
            seen.append(line).append('\n');
        }
        throw new IllegalStateException("The child JVM ended without holding the session:\n" + seen);
    }
}
