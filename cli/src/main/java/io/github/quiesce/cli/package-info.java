/**
 * The {@code quiesce} command ({@link io.github.quiesce.cli.QuiesceCli}), and the command-line helpers the
 * examples share with it ({@link io.github.quiesce.cli.ExternalServer}, {@link io.github.quiesce.cli.Json}).
 * Uses only quiesce's exported API.
 */
package io.github.quiesce.cli;
