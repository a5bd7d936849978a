package io.github.quiesce;

/** The server family, told apart by {@code @@version} and {@code @@version_comment}, never by JDBC metadata. */
public enum Flavor {
    MYSQL("MySQL"),
    PERCONA("Percona Server"),
    MARIADB("MariaDB");

    private final String displayName;

    Flavor(String displayName) {
        this.displayName = displayName;
    }

    public String displayName() {
        return displayName;
    }

    /**
     * Decides the flavour from the server's own words. MariaDB puts its name into {@code @@version};
     * Percona Server into {@code @@version_comment} (e.g. "Percona Server (GPL), Release 28").
     */
    public static Flavor detect(String version, String versionComment) {
        String v = version == null ? "" : version.toLowerCase(java.util.Locale.ROOT);
        String c = versionComment == null ? "" : versionComment.toLowerCase(java.util.Locale.ROOT);
        if (v.contains("mariadb") || c.contains("mariadb")) {
            return MARIADB;
        }
        if (c.contains("percona")) {
            return PERCONA;
        }
        return MYSQL;
    }
}
