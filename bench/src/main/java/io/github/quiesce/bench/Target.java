package io.github.quiesce.bench;

import io.github.quiesce.testkit.EmbeddedServer;
import java.nio.file.Path;

/**
 * The server a tool runs against, the account the dump client uses (mysql_native_password, which
 * MariaDB's client speaks to MySQL 8), and where that client lives.
 */
record Target(EmbeddedServer server, String dumpUser, String dumpPassword, Path dumpBinary) {

    boolean isMariaDb() {
        return server.distribution().isMariaDb();
    }

    String label() {
        return server.distribution().displayName();
    }
}
