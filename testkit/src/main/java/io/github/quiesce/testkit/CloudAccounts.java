package io.github.quiesce.testkit;

/** Accounts as managed clouds hand them out, for tests of what quiesce can do with them. */
public final class CloudAccounts {

    private CloudAccounts() {}

    /**
     * What Amazon RDS, Aurora, Cloud SQL and Azure give their master user that matters to quiesce, on both
     * flavours: no RELOAD, no SUPER, no BACKUP_ADMIN, so only a lock without a table flush can run for it.
     *
     * @return a fresh copy, for {@link EmbeddedServer#createUser}
     */
    public static String[] masterUserGrants() {
        return new String[] {
            "SELECT",
            "INSERT",
            "UPDATE",
            "DELETE",
            "CREATE",
            "DROP",
            "INDEX",
            "ALTER",
            "CREATE TEMPORARY TABLES",
            "LOCK TABLES",
            "EXECUTE",
            "PROCESS",
            "SHOW DATABASES",
            "SHOW VIEW",
            "EVENT",
            "TRIGGER",
            "REPLICATION SLAVE",
            "REPLICATION CLIENT"
        };
    }
}
