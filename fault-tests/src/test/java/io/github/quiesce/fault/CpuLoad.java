package io.github.quiesce.fault;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Threads that keep every CPU busy while open, as other work does on a loaded host: races that a quiet
 * machine hides (a server thread descheduled for some milliseconds) then happen.
 */
final class CpuLoad implements AutoCloseable {

    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> threads = new ArrayList<>();

    private CpuLoad() {}

    /** Two spinning threads per CPU. */
    static CpuLoad start() {
        CpuLoad load = new CpuLoad();
        int n = 2 * Runtime.getRuntime().availableProcessors();
        for (int i = 0; i < n; i++) {
            Thread t = new Thread(load::spin, "cpu-load-" + i);
            t.setDaemon(true);
            load.threads.add(t);
            t.start();
        }
        return load;
    }

    /** Runnable all along, so the scheduler shares the CPUs with it; the volatile read keeps the loop. */
    private void spin() {
        while (running.get()) {
            Thread.onSpinWait();
        }
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        for (Thread t : threads) {
            t.join();
        }
    }
}
