package io.github.quiesce.spi;

import java.util.Objects;

/**
 * Whether a strategy can run on a server, and if not, why (shown to the operator).
 *
 * @param supported whether it can run
 * @param reason    why not (or a short note why it fits), never null
 */
public record Support(boolean supported, String reason) {

    public Support {
        Objects.requireNonNull(reason, "reason");
    }

    public static Support yes() {
        return new Support(true, "");
    }

    public static Support no(String reason) {
        return new Support(false, reason);
    }
}
