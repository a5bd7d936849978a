package io.github.quiesce.internal;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The timers behind the acquire timeout and the max-hold watchdog: two daemon threads shared by every
 * session, which exit when idle, so an embedding application sees no thread left behind by quiesce.
 * Two, so that a kill stuck on an unresponsive server cannot delay another session's watchdog.
 */
final class Timers {

    private static final AtomicInteger COUNT = new AtomicInteger();
    private static final ScheduledThreadPoolExecutor EXECUTOR = new ScheduledThreadPoolExecutor(2, r -> {
        Thread t = new Thread(r, "quiesce-timer-" + COUNT.incrementAndGet());
        t.setDaemon(true);
        return t;
    });

    static {
        EXECUTOR.setRemoveOnCancelPolicy(true);
        EXECUTOR.setKeepAliveTime(10, TimeUnit.SECONDS);
        EXECUTOR.allowCoreThreadTimeOut(true);
    }

    private Timers() {}

    static ScheduledFuture<?> after(Duration delay, Runnable task) {
        return EXECUTOR.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
    }
}
