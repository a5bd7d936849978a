package io.github.quiesce;

import java.util.List;

/**
 * What {@link BackupSession#recover} did.
 *
 * @param needed   whether a leftover journal was found for the server
 * @param strategy the strategy that wrote it ("" when none)
 * @param server   the server recovered
 * @param restored the statements that put it back (empty when it already was)
 */
public record Recovery(boolean needed, String strategy, String server, List<String> restored) {

    public Recovery {
        restored = List.copyOf(restored);
    }
}
