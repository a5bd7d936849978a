package io.github.quiesce.internal;

import io.github.quiesce.Flavor;
import io.github.quiesce.ServerVersion;

/** Which spelling of a statement a server version accepts, where MySQL and MariaDB renamed them. */
public final class ServerGrammar {

    private ServerGrammar() {}

    /** SHOW MASTER STATUS was deprecated in MySQL 8.2 (SHOW BINARY LOG STATUS) and removed in 8.4; MariaDB keeps it. */
    public static String binaryLogStatus(Flavor flavor, ServerVersion version) {
        return flavor != Flavor.MARIADB && version.atLeast(8, 2, 0) ? "SHOW BINARY LOG STATUS" : "SHOW MASTER STATUS";
    }

    /**
     * One row per source. MySQL: SHOW REPLICA STATUS from 8.0.22, SHOW SLAVE STATUS before (removed in 8.4), a
     * row per channel. MariaDB: SHOW ALL REPLICAS STATUS from 10.5.1, SHOW ALL SLAVES STATUS before; without
     * ALL it shows only the default connection of a multi-source replica.
     */
    public static String replicaStatus(Flavor flavor, ServerVersion version) {
        if (flavor == Flavor.MARIADB) {
            return version.atLeast(10, 5, 1) ? "SHOW ALL REPLICAS STATUS" : "SHOW ALL SLAVES STATUS";
        }
        return version.atLeast(8, 0, 22) ? "SHOW REPLICA STATUS" : "SHOW SLAVE STATUS";
    }
}
