package io.github.quiesce.spi;

import io.github.quiesce.ServerInfo;
import java.util.Map;

/**
 * What {@link LockStrategy#recover} gets after the process that held a session died: the server as it
 * is now, a statement runner on a new connection to it, and what the dead session's
 * {@link LockContext#journal journal} recorded.
 */
public interface RecoverContext {

    ServerInfo server();

    /** Statement runner on the recovering connection; logs carry "recover" and the strategy's name. */
    Sql sql();

    /** The journal's state, exactly as the strategy wrote it: validate every value before using it. */
    Map<String, String> journal();
}
