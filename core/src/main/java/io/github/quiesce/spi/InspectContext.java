package io.github.quiesce.spi;

import io.github.quiesce.BackupOptions;
import io.github.quiesce.ServerInfo;

/**
 * What {@link LockStrategy#inspect} gets: the probed server, a statement runner on the session's
 * connection (read-only statements only: nothing is locked yet), and the options.
 */
public interface InspectContext {

    ServerInfo server();

    /** Statement runner on the session's connection; logs carry "inspect" and the strategy's name. */
    Sql sql();

    BackupOptions options();
}
