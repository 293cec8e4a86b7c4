package dev.orchestrator.project;

import java.util.EnumMap;
import java.util.Map;

/** How many projects are in each status. */
public record StatusCounts(Map<ProjectStatus, Long> byStatus) {
    public StatusCounts {
        EnumMap<ProjectStatus, Long> copy = new EnumMap<>(ProjectStatus.class);
        copy.putAll(byStatus);
        byStatus = Map.copyOf(copy);
    }

    public long total() {
        return byStatus.values().stream().mapToLong(Long::longValue).sum();
    }

    public long of(ProjectStatus status) {
        return byStatus.getOrDefault(status, 0L);
    }
}
