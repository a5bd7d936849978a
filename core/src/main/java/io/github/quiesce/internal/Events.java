package io.github.quiesce.internal;

import io.github.quiesce.BackupEvent;
import io.github.quiesce.BackupListener;
import io.github.quiesce.BackupOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Delivers events to the options' listeners and the discovered ones; a failing listener never breaks a backup. */
final class Events {

    private static final Logger LOG = LoggerFactory.getLogger(Events.class);

    static final Events NONE = new Events(List.of());

    private final List<BackupListener> listeners;

    private Events(List<BackupListener> listeners) {
        this.listeners = listeners;
    }

    static Events of(BackupOptions options) {
        List<BackupListener> all = new ArrayList<>(options.listeners());
        try {
            ServiceLoader.load(BackupListener.class, options.classLoader()).forEach(all::add);
        } catch (ServiceConfigurationError e) {
            LOG.warn(
                    "quiesce: a BackupListener listed in META-INF/services could not be loaded and is ignored: {}",
                    e.getMessage());
        }
        return all.isEmpty() ? NONE : new Events(List.copyOf(all));
    }

    boolean any() {
        return !listeners.isEmpty();
    }

    void publish(BackupEvent event) {
        for (BackupListener l : listeners) {
            try {
                l.onEvent(event);
            } catch (RuntimeException e) {
                LOG.warn(
                        "quiesce: listener {} threw on {}; ignored: {}",
                        l.getClass().getName(),
                        event.getClass().getSimpleName(),
                        e.toString());
            }
        }
    }
}
