package io.github.quiesce.bench;

import java.nio.file.Path;

/**
 * The server a tool runs against, the account the dump clients use (mysql_native_password, which
 * MariaDB's client and mydumper speak to MySQL 8), and where the peer programs live (null: absent).
 */
record Target(
        BenchServer server, String dumpUser, String dumpPassword, Path dumpBinary, Path mydumper, Path mariabackup) {

    boolean isMariaDb() {
        return server.isMariaDb();
    }

    String label() {
        return server.label();
    }
}
