/**
 * quiesce: takes a MySQL-family server to a consistent point for a backup and hands back the binary
 * log coordinates that match it.
 *
 * <ul>
 *   <li>{@code io.github.quiesce}: the API a backup tool calls ({@code BackupSession}, options,
 *       coordinates, events, exceptions);</li>
 *   <li>{@code io.github.quiesce.spi}: the contract a lock strategy implements ({@code LockStrategy});</li>
 *   <li>{@code io.github.quiesce.spi.support}: helpers for strategy authors (the guarded flush, the
 *       binary log status, {@code log_status}, the long-query guard).</li>
 * </ul>
 * Everything else is internal and may change in any release.
 */
module io.github.quiesce {
    requires transitive java.sql;
    requires org.slf4j;
    requires static com.zaxxer.hikari;

    exports io.github.quiesce;
    exports io.github.quiesce.spi;
    exports io.github.quiesce.spi.support;

    uses io.github.quiesce.spi.LockStrategy;
    uses io.github.quiesce.BackupListener;
}
