package io.github.quiesce.it;

import com.mysql.cj.jdbc.MysqlDataSource;
import io.github.quiesce.BackupOptions;
import io.github.quiesce.BackupSession;
import io.github.quiesce.GaleraDesync;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The backup process of GaleraIT's kill -9 case: a child JVM that holds a session on a Galera node, says {@value #HELD}, and waits to be killed. */
public final class GaleraHold {

    static final String HELD = "HELD";

    private GaleraHold() {}

    /** Arguments: JDBC URL, strategy, journal directory; the node is desynced by the session itself (GaleraDesync.ALWAYS). */
    public static void main(String[] args) throws Exception {
        MysqlDataSource ds = new MysqlDataSource();
        ds.setURL(args[0]);
        ds.setUser("root");
        ds.setPassword("");
        BackupSession s = BackupSession.open(
                ds,
                BackupOptions.builder()
                        .strategy(args[1])
                        .journalDirectory(Path.of(args[2]))
                        .galeraDesync(GaleraDesync.ALWAYS)
                        .build());
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
                GaleraHold.class.getName(),
                jdbcUrl,
                strategy,
                journals.toString());
        return new ProcessBuilder(cmd).redirectErrorStream(true).start();
    }

    static void awaitHeld(Process child) throws IOException {
        StringBuilder seen = new StringBuilder();
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        for (String line = out.readLine(); line != null; line = out.readLine()) {
            if (line.equals(HELD)) {
                return;
            }
            seen.append(line).append('\n');
        }
        throw new IllegalStateException("The child JVM ended without holding the session:\n" + seen);
    }
}
