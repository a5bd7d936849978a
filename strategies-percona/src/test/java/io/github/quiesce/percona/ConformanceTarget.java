package io.github.quiesce.percona;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import java.util.Set;

/**
 * Where the conformance cases run: the Percona model of testkit's ScriptedServer, or a real Percona Server
 * (a Docker image). Both are driven through JDBC with the same SQL, so the model and the server are held to
 * one list of cases.
 */
interface ConformanceTarget {

    /** What a case needs of the server beyond a default installation with the binary log and GTIDs on. */
    enum Requirement {
        /** {@code SET debug_sync}: MTR tests marked have_debug.inc; release builds and images have none. */
        DEBUG_BUILD,
        /** A server started without --log-bin (the default MTR server of backup_locks.test). */
        BINLOG_OFF
    }

    PerconaGeneration generation();

    /** e.g. "model 5.7.44-48" or "percona/percona-server:8.0 (8.0.40-31)". */
    String describe();

    /**
     * Puts the server in the state every case starts from: an empty schema {@code test}, no extra accounts,
     * default global settings. Returns why it cannot meet the requirements, if it cannot (the case is then
     * reported as skipped with that reason).
     */
    Optional<String> reset(Set<Requirement> requirements) throws Exception;

    /** A new connection as the administrative account, in schema {@code test}. */
    Connection connect() throws SQLException;

    /** A new connection as an account a case created (no password), in schema {@code test}. */
    Connection connect(String user) throws SQLException;
}
