package io.github.quiesce.it;

import io.github.quiesce.testkit.CloudAccounts;

/**
 * Who opens the session. Without RELOAD, FTWRL is impossible, so the instance lock must open snapshots
 * without stopping commits: the case issue 14 found diverging with GTID off. The cloud master user (issue 17)
 * has neither RELOAD nor BACKUP_ADMIN nor SUPER: only {@code table-locks} can run for it.
 */
enum ReplayAccount {
    ROOT("root", "root", ""),
    NO_RELOAD("no RELOAD", "quiesce_norel", "quiesce_norel_pw1"),
    CLOUD("cloud master", "quiesce_cloud", "quiesce_cloud_pw1");

    private final String label;
    private final String user;
    private final String password;

    ReplayAccount(String label, String user, String password) {
        this.label = label;
        this.user = user;
        this.password = password;
    }

    String label() {
        return label;
    }

    String user() {
        return user;
    }

    String password() {
        return password;
    }

    /** What a least-privilege backup account holds, minus RELOAD (MariaDB has no BACKUP_ADMIN; BINLOG MONITOR reads its log status). */
    String[] privileges(boolean mariaDb) {
        if (this == CLOUD) {
            return CloudAccounts.masterUserGrants();
        }
        return mariaDb
                ? new String[] {"PROCESS", "SELECT", "REPLICATION SLAVE", "BINLOG MONITOR"}
                : new String[] {"BACKUP_ADMIN", "PROCESS", "SELECT", "REPLICATION SLAVE", "REPLICATION CLIENT"};
    }
}
