package io.github.quiesce.testkit;

import java.util.ArrayList;
import java.util.List;

/**
 * How to start an embedded server. Defaults: binary log and GTIDs on, server id 1.
 *
 * @param binaryLog whether {@code --log-bin} is set
 * @param gtid      MySQL {@code gtid_mode=ON} (MariaDB always logs GTIDs with the binary log)
 * @param serverId  {@code --server-id}; give a replica another one
 * @param extraArgs further server options, e.g. {@code --delay-key-write=ALL}
 */
public record ServerConfig(boolean binaryLog, boolean gtid, int serverId, List<String> extraArgs) {

    public ServerConfig {
        if (serverId < 1) {
            throw new IllegalArgumentException("serverId must be at least 1");
        }
        extraArgs = List.copyOf(extraArgs);
    }

    public static ServerConfig defaults() {
        return new ServerConfig(true, true, 1, List.of());
    }

    public ServerConfig withBinaryLog(boolean on) {
        return new ServerConfig(on, on && gtid, serverId, extraArgs);
    }

    public ServerConfig withGtid(boolean on) {
        return new ServerConfig(binaryLog, on, serverId, extraArgs);
    }

    public ServerConfig withServerId(int id) {
        return new ServerConfig(binaryLog, gtid, id, extraArgs);
    }

    /** {@code --event-scheduler=ON|OFF}: ON by default on MySQL 8.0, OFF on MariaDB. */
    public ServerConfig withEventScheduler(boolean on) {
        return withArgs("--event-scheduler=" + (on ? "ON" : "OFF"));
    }

    public ServerConfig withArgs(String... args) {
        List<String> all = new ArrayList<>(extraArgs);
        all.addAll(List.of(args));
        return new ServerConfig(binaryLog, gtid, serverId, all);
    }
}
