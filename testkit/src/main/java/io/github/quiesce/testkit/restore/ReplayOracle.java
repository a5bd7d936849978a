package io.github.quiesce.testkit.restore;

import io.github.quiesce.BackupException;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The restore test a DBA trusts, one round at a time: while writers run on the source, a claimed point
 * is taken, every table is copied through its snapshots, more is written, and then the copy is loaded
 * into a fresh server that replays the source's log from the point with the server's own replication,
 * once per replay mode, and is compared row for row. It knows nothing of how the point was taken, so the
 * same rounds judge quiesce and the deliberately wrong reference.
 */
public final class ReplayOracle {

    /** Long enough for every writer to be mid-transaction at the point, short enough for many rounds. */
    private static final Duration WRITES_BEFORE = Duration.ofMillis(300);
    /** Writes after the copy: what the replay must apply, exactly once. */
    private static final Duration WRITES_AFTER = Duration.ofMillis(300);

    private static final Duration CATCH_UP = Duration.ofSeconds(60);

    /** Takes the point to judge. A {@link BackupException} is a refusal: no point, nothing to replay. */
    @FunctionalInterface
    public interface PointTaker {
        Capture take();
    }

    private final ReplicationSource source;
    private final RestoreTarget target;
    private final List<ReplayMode> modes;
    private final Runnable afterSchemaCreated;

    /**
     * @param source             where the writers write and the copy replays from
     * @param target             the server the copy is restored on
     * @param modes              the replay modes to judge each point with
     * @param afterSchemaCreated run after each round re-creates the schema, before writers start: a
     *                           replica that the point is taken on must have caught up with it
     */
    public ReplayOracle(
            ReplicationSource source, RestoreTarget target, List<ReplayMode> modes, Runnable afterSchemaCreated) {
        this.source = source;
        this.target = target;
        this.modes = List.copyOf(modes);
        this.afterSchemaCreated = afterSchemaCreated;
    }

    public Round round(PointTaker taker) {
        ShopWorkload.recreate(source.server().dataSource());
        afterSchemaCreated.run();
        Capture capture;
        SnapshotDump dump;
        ShopWorkload workload = ShopWorkload.start(source.server().dataSource());
        try {
            workload.awaitCommitted(1, 10_000);
            pause(WRITES_BEFORE);
            try {
                capture = taker.take();
            } catch (BackupException e) {
                Map<ReplayMode, Verdict> refused = new EnumMap<>(ReplayMode.class);
                modes.forEach(m -> refused.put(m, Verdict.refused(e)));
                return new Round(refused, null, workload.committed(), workload.conflicts(), 0);
            }
            try (capture) {
                dump = SnapshotDump.take(capture.snapshots(), ShopWorkload.SCHEMA);
            }
            pause(WRITES_AFTER);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } finally {
            workload.close();
        }
        if (!workload.errors().isEmpty()) {
            throw new IllegalStateException("The workload failed, so this round judges nothing: " + workload.errors());
        }
        Map<ReplayMode, Verdict> verdicts = new EnumMap<>(ReplayMode.class);
        for (ReplayMode mode : modes) {
            verdicts.put(mode, target.restore(dump, source, capture.point(), mode, CATCH_UP));
        }
        return new Round(verdicts, capture.point(), workload.committed(), workload.conflicts(), dump.rows());
    }

    private static void pause(Duration d) throws InterruptedException {
        Thread.sleep(d.toMillis());
    }
}
