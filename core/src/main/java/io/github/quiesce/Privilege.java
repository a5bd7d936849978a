package io.github.quiesce;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Global privileges that matter to taking a consistent point. Each knows the names under which
 * {@code SHOW GRANTS} prints it on MySQL, Percona Server and MariaDB (MariaDB 10.5 renamed
 * {@code REPLICATION CLIENT} to {@code BINLOG MONITOR} and split {@code SUPER}).
 */
public enum Privilege {
    RELOAD("RELOAD"),
    REPLICATION_CLIENT("REPLICATION CLIENT", "BINLOG MONITOR"),
    /** MariaDB 10.5.9+; SHOW GRANTS prints it as SLAVE MONITOR (10.11.5, 11.4.5). */
    REPLICA_MONITOR("REPLICA MONITOR", "SLAVE MONITOR"),
    REPLICATION_SLAVE("REPLICATION SLAVE"),
    SUPER("SUPER"),
    PROCESS("PROCESS"),
    SYSTEM_VARIABLES_ADMIN("SYSTEM_VARIABLES_ADMIN"),
    BACKUP_ADMIN("BACKUP_ADMIN"),
    REPLICATION_SLAVE_ADMIN("REPLICATION_SLAVE_ADMIN", "REPLICATION SLAVE ADMIN"),
    CONNECTION_ADMIN("CONNECTION_ADMIN", "CONNECTION ADMIN"),
    READ_ONLY_ADMIN("READ ONLY ADMIN", "READ_ONLY ADMIN"),
    SELECT("SELECT"),
    LOCK_TABLES("LOCK TABLES"),
    EVENT("EVENT");

    private final List<String> grantNames;

    Privilege(String... grantNames) {
        this.grantNames = List.of(grantNames);
    }

    /** The name to use in a {@code GRANT} statement on MySQL. */
    public String grantName() {
        return grantNames.get(0);
    }

    /** Every name it goes by, e.g. {@code REPLICATION CLIENT / BINLOG MONITOR}: what a DBA on either server recognises. */
    public String displayName() {
        return String.join(" / ", grantNames);
    }

    /** Maps one privilege name as printed by {@code SHOW GRANTS} to a constant, if it is one we track. */
    public static Optional<Privilege> fromGrantName(String name) {
        String n = name.trim().toUpperCase(Locale.ROOT);
        for (Privilege p : values()) {
            if (p.grantNames.contains(n)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
