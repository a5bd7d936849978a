package io.github.quiesce.testkit;

import java.util.concurrent.TimeUnit;

/** Ending a server process the way a service manager does. */
public final class ServerProcesses {

    private ServerProcesses() {}

    /** SIGTERM and a wait for the clean shutdown; SIGKILL after a minute, or at once when interrupted. */
    public static void stop(Process process) {
        process.destroy();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
