package io.github.quiesce.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.quiesce.BackupEvent;
import io.github.quiesce.BackupOptions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventsTest {

    @Test
    void aListenerThatThrowsNeverReachesTheSession() {
        List<BackupEvent> seen = new ArrayList<>();
        BackupOptions options = BackupOptions.builder()
                .listener(e -> {
                    throw new IllegalStateException("listener bug");
                })
                .listener(seen::add)
                .build();
        Events events = Events.of(options);
        events.publish(new BackupEvent.LockRequested("ftwrl"));
        assertThat(seen).singleElement().isInstanceOf(BackupEvent.LockRequested.class);
    }
}
