package io.github.quiesce.bench;

import io.github.quiesce.BackupEvent;
import io.github.quiesce.BackupOptions;
import io.github.quiesce.BackupSession;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The flows compared. Peers are reproduced with plain JDBC exactly as their manuals and code issue them
 * (see ../shared/anchors.md), or run as the real programs: mariadb-dump, mydumper and mariabackup.
 */
final class Tools {

    static final String NONE = "no backup";

    private Tools() {}

    /** Every tool, peers first; each says where it applies. */
    static List<Tool> all() {
        return List.of(
                none(),
                raw("raw FTWRL", t -> true, "FLUSH TABLES WITH READ LOCK", "@status", "UNLOCK TABLES"),
                raw(
                        "FTWRL after pre-flush",
                        t -> true,
                        "FLUSH NO_WRITE_TO_BINLOG TABLES",
                        "FLUSH TABLES WITH READ LOCK",
                        "@status",
                        "UNLOCK TABLES"),
                mariadbDump(),
                mydumper(false),
                mydumper(true),
                mariabackup(),
                raw(
                        "raw LOCK INSTANCE + log_status",
                        t -> !t.isMariaDb(),
                        "LOCK INSTANCE FOR BACKUP",
                        "SELECT * FROM performance_schema.log_status",
                        "UNLOCK INSTANCE"),
                raw(
                        "raw BACKUP STAGE",
                        Target::isMariaDb,
                        "BACKUP STAGE START",
                        "BACKUP STAGE FLUSH",
                        "BACKUP STAGE BLOCK_DDL",
                        "BACKUP STAGE BLOCK_COMMIT",
                        "@status",
                        "BACKUP STAGE END"),
                quiesce("auto", t -> true),
                quiesce("ftwrl", t -> true),
                quiesce("mysql-instance-lock", t -> !t.isMariaDb()),
                quiesce("mariadb-backup-stage", Target::isMariaDb));
    }

    /** The writers' own latency with nothing running: the floor every figure is read against. */
    static Tool none() {
        return new Tool() {
            public String name() {
                return NONE;
            }

            public boolean appliesTo(Target target) {
                return true;
            }

            public Outcome run(Target target) throws InterruptedException {
                Thread.sleep(300);
                return Outcome.wholeRun(0);
            }
        };
    }

    interface Applies {
        boolean test(Target t);
    }

    /** Statements on one connection; {@code @status} reads the binary log status as the server spells it. */
    static Tool raw(String name, Applies applies, String... statements) {
        return new Tool() {
            public String name() {
                return name;
            }

            public boolean appliesTo(Target target) {
                return applies.test(target);
            }

            public Outcome run(Target target) throws SQLException {
                int sent = 0;
                try (Connection c = target.server().connect();
                        Statement st = c.createStatement()) {
                    for (String s : statements) {
                        if (s.equals("@status")) {
                            drain(st, "SHOW MASTER STATUS");
                            sent++;
                            if (target.isMariaDb()) {
                                drain(st, "SELECT @@GLOBAL.gtid_binlog_pos");
                                sent++;
                            }
                        } else {
                            st.execute(s);
                            sent++;
                        }
                    }
                }
                return Outcome.wholeRun(sent);
            }
        };
    }

    private static void drain(Statement st, String query) throws SQLException {
        try (ResultSet rs = st.executeQuery(query)) {
            while (rs.next()) {
                rs.getString(1);
            }
        }
    }

    /** A quiesce session with default options but the strategy; counts its statements through a listener. */
    static Tool quiesce(String strategy, Applies applies) {
        return quiesce("quiesce " + strategy, strategy, applies, 0, false);
    }

    /** A session that opens {@code n} snapshot connections, prepared before the lock or taken under it. */
    static Tool quiesceSnapshots(String strategy, int n, boolean prepared) {
        return quiesce(
                "quiesce " + strategy + ", " + n + " snapshots " + (prepared ? PREPARED : UNDER_THE_LOCK),
                strategy,
                t -> true,
                n,
                prepared);
    }

    static final String PREPARED = "prepared";
    static final String UNDER_THE_LOCK = "taken under the lock";

    private static Tool quiesce(String name, String strategy, Applies applies, int snapshots, boolean prepared) {
        return new Tool() {
            public String name() {
                return name;
            }

            public boolean appliesTo(Target target) {
                return applies.test(target);
            }

            public Outcome run(Target target) throws SQLException {
                AtomicInteger statements = new AtomicInteger();
                AtomicLong requested = new AtomicLong();
                AtomicLong released = new AtomicLong();
                BackupOptions options = BackupOptions.builder()
                        .strategy(strategy)
                        .listener(e -> {
                            if (e instanceof BackupEvent.StatementExecuted) {
                                statements.incrementAndGet();
                            } else if (e instanceof BackupEvent.LockRequested) {
                                requested.set(System.nanoTime());
                            } else if (e instanceof BackupEvent.LockReleased) {
                                released.set(System.nanoTime());
                            }
                        })
                        .prepareSnapshots(prepared ? snapshots : 0)
                        .build();
                List<Connection> workers = List.of();
                try (BackupSession s = BackupSession.open(target.server().dataSource(), options)) {
                    workers = snapshots > 0 ? s.snapshotConnections(snapshots) : List.of();
                    s.coordinates();
                } finally {
                    for (Connection c : workers) {
                        c.close();
                    }
                }
                return new Outcome(statements.get(), requested.get(), released.get());
            }
        };
    }

    /** The real client: FLUSH TABLES, FTWRL, snapshot, SHOW MASTER STATUS, UNLOCK, then the (tiny) dump. */
    static Tool mariadbDump() {
        return new Tool() {
            public String name() {
                return "mariadb-dump --single-transaction --master-data=2";
            }

            public boolean appliesTo(Target target) {
                return target.dumpBinary() != null;
            }

            public Outcome run(Target target) throws IOException, InterruptedException {
                ProcessBuilder pb = new ProcessBuilder(
                                target.dumpBinary().toString(),
                                "--no-defaults",
                                "--skip-ssl",
                                "--single-transaction",
                                "--master-data=2",
                                "-h",
                                "127.0.0.1",
                                "-P",
                                String.valueOf(target.server().port()),
                                "-u",
                                target.dumpUser(),
                                "--databases",
                                Bench.DUMP_SCHEMA)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD);
                pb.environment().put("MYSQL_PWD", target.dumpPassword());
                Process p = pb.start();
                String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                    p.destroyForcibly();
                    throw new IOException("mariadb-dump failed: " + err.strip());
                }
                return Outcome.wholeRun(-1);
            }
        };
    }

    static final String MYDUMPER = "mydumper";
    static final String MYDUMPER_TRX = "mydumper --trx-consistency-only";
    static final String MARIABACKUP = "mariabackup --backup";

    /**
     * Debian's mydumper (0.10) with 4 threads on the bench's dump schema, into a fresh directory. By default it
     * holds FTWRL from before its threads' snapshots until the non-InnoDB tables are dumped; with
     * {@code --trx-consistency-only} it lets go once the threads have their snapshots. Its long-query guard
     * (60 s by default) does not see a 5 s query.
     */
    static Tool mydumper(boolean trxConsistencyOnly) {
        return new Tool() {
            public String name() {
                return trxConsistencyOnly ? MYDUMPER_TRX : MYDUMPER;
            }

            public boolean appliesTo(Target target) {
                return target.mydumper() != null;
            }

            public Outcome run(Target target) throws IOException, InterruptedException {
                Path work = privateDirectory("bench-mydumper-");
                try {
                    List<String> cmd = new ArrayList<>(List.of(
                            target.mydumper().toString(),
                            // The password is in a file only this user can read, never on the command line.
                            "--defaults-file",
                            defaultsFile(work, target).toString(),
                            "--host",
                            "127.0.0.1",
                            "--port",
                            String.valueOf(target.server().port()),
                            "--user",
                            target.dumpUser(),
                            "--threads",
                            "4",
                            "--database",
                            Bench.DUMP_SCHEMA,
                            "--outputdir",
                            work.resolve("dump").toString(),
                            "--verbose",
                            "1"));
                    if (trxConsistencyOnly) {
                        cmd.add("--trx-consistency-only");
                    }
                    runProgram("mydumper", cmd, work);
                } finally {
                    Peers.deleteTree(work);
                }
                return Outcome.wholeRun(-1);
            }
        };
    }

    /**
     * Debian's mariabackup, a full physical backup of a server on this host whose version it matches (the
     * bench's own Debian MariaDB): its BACKUP STAGE flow, START to END, around the file copy.
     */
    static Tool mariabackup() {
        return new Tool() {
            public String name() {
                return MARIABACKUP;
            }

            public boolean appliesTo(Target target) {
                return target.mariabackup() != null
                        && target.server().backupDataDir().isPresent();
            }

            public Outcome run(Target target) throws IOException, InterruptedException {
                Path work = privateDirectory("bench-mariabackup-");
                try {
                    runProgram(
                            "mariabackup",
                            List.of(
                                    target.mariabackup().toString(),
                                    // Must come first; also keeps /etc/mysql out of it.
                                    "--defaults-file=" + defaultsFile(work, target),
                                    "--backup",
                                    "--target-dir=" + work.resolve("backup"),
                                    "--datadir="
                                            + target.server().backupDataDir().orElseThrow(),
                                    "--host=127.0.0.1",
                                    "--port=" + target.server().port()),
                            work);
                } finally {
                    Peers.deleteTree(work);
                }
                return Outcome.wholeRun(-1);
            }
        };
    }

    private static Path privateDirectory(String prefix) throws IOException {
        return Files.createTempDirectory(
                prefix, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }

    /** A {@code [client]} option file with the dump account, readable by this user only. */
    private static Path defaultsFile(Path dir, Target target) throws IOException {
        Path f = Files.createFile(
                dir.resolve("client.cnf"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(f, "[client]\nuser=" + target.dumpUser() + "\npassword=" + target.dumpPassword() + "\n");
        return f;
    }

    /**
     * Runs a peer program to its end, its output going to a file in {@code work}, read only to explain a failure.
     * A program still running after {@value #PEER_TIMEOUT_SECONDS} s is killed, which drops its connections and
     * so its locks: a hung peer (mydumper 0.10 on MySQL before 8.0.23 can wait on its own FTWRL) fails its run
     * instead of the bench.
     */
    private static void runProgram(String what, List<String> cmd, Path work) throws IOException, InterruptedException {
        Path log = work.resolve(what + ".log");
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        boolean ended = p.waitFor(PEER_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (!ended) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        if (!ended || p.exitValue() != 0) {
            String out = Files.readString(log, StandardCharsets.UTF_8).strip();
            throw new IOException(what
                    + (ended
                            ? " exited with " + p.exitValue()
                            : " still ran after " + PEER_TIMEOUT_SECONDS + " s, killed")
                    + ": " + out.substring(Math.max(0, out.length() - 600)));
        }
    }

    static final int PEER_TIMEOUT_SECONDS = 60;
}
