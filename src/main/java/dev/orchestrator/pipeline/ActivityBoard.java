package dev.orchestrator.pipeline;

import dev.orchestrator.project.ProjectId;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What every running work item of every project is doing right now, for {@code /status}: kept in
 * memory only (the store has the durable state), written by the items' threads and read by anyone.
 * Thread-safe.
 */
public final class ActivityBoard {
    /** One running item's latest activity. */
    public record Entry(String key, String activity, Instant since) {}

    private final Map<ProjectId, Map<String, Entry>> running = new ConcurrentHashMap<>();

    /** The item is at work, doing {@code activity}. */
    public void report(ProjectId project, String key, String activity) {
        running.computeIfAbsent(project, p -> new ConcurrentHashMap<>())
                .put(key, new Entry(key, activity, Instant.now()));
    }

    /** The item stopped running (finished, waiting for a person, or stopped). */
    public void clear(ProjectId project, String key) {
        Map<String, Entry> items = running.get(project);
        if (items != null) {
            items.remove(key);
        }
    }

    /** The project's running items, by key. */
    public List<Entry> running(ProjectId project) {
        return running.getOrDefault(project, Map.of()).values().stream()
                .sorted(Comparator.comparing(
                        Entry::key, Comparator.comparing(String::length).thenComparing(Comparator.naturalOrder())))
                .toList();
    }
}
