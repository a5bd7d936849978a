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

    /** SHOW REPLICA STATUS from MySQL 8.0.22 and MariaDB 10.5.1; SHOW SLAVE STATUS before (removed in MySQL 8.4). */
    public static String replicaStatus(Flavor flavor, ServerVersion version) {
        boolean replicaSyntax = flavor == Flavor.MARIADB ? version.atLeast(10, 5, 1) : version.atLeast(8, 0, 22);
        return replicaSyntax ? "SHOW REPLICA STATUS" : "SHOW SLAVE STATUS";
    }
}
