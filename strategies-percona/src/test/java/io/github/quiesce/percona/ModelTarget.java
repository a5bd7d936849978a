package io.github.quiesce.percona;

import io.github.quiesce.testkit.scripted.ScriptedServer;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import java.util.Set;

/** The conformance cases against testkit's Percona model: a new model server for every case. */
final class ModelTarget implements ConformanceTarget {

    private final PerconaGeneration generation;
    private ScriptedServer server;

    ModelTarget(PerconaGeneration generation) {
        this.generation = generation;
    }

    @Override
    public PerconaGeneration generation() {
        return generation;
    }

    @Override
    public String describe() {
        return "model " + (generation == PerconaGeneration.PS_80 ? "8.0.36-28" : "5.7.44-48");
    }

    @Override
    public Optional<String> reset(Set<Requirement> requirements) {
        server = generation == PerconaGeneration.PS_80 ? ScriptedServer.percona80() : ScriptedServer.percona57();
        // The model is built as a debug server so that the have_debug.inc cases run on it.
        server.debugBuild();
        if (requirements.contains(Requirement.BINLOG_OFF)) {
            server.variable("log_bin", "OFF");
        }
        return Optional.empty();
    }

    @Override
    public Connection connect() throws SQLException {
        return server.dataSource().getConnection();
    }

    @Override
    public Connection connect(String user) throws SQLException {
        return server.dataSource(user).getConnection();
    }
}
