package io.github.quiesce.spi;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs statements on one connection the session owns. Every statement is logged at DEBUG with its
 * duration and reaches the session's listeners; a driver error becomes an
 * {@link io.github.quiesce.BackupSqlException} that carries the statement, SQLState, vendor code and
 * server.
 *
 * <p>Statements are fixed strings written by a strategy; values go through {@code ?} parameters,
 * never through concatenation. Rows come back as case-insensitive column maps of strings.
 */
public interface Sql {

    /** The same connection, with another name in the logs (e.g. the strategy's). */
    Sql as(String owner);

    /** The server the connection is on, as error messages name it. */
    String server();

    /** Runs a statement that returns no rows. */
    void execute(String statement);

    /** Runs a statement with {@code ?} parameters bound in order. */
    void execute(String statement, Object... parameters);

    /** All rows of a query, each as a case-insensitive map from column label to string value. */
    List<Map<String, String>> rows(String statement, Object... parameters);

    /** The first row of a query, if any. */
    Optional<Map<String, String>> firstRow(String statement, Object... parameters);

    /** The first column of the first row (null when there is no row or the value is NULL). */
    String scalar(String statement, Object... parameters);
}
