package dev.orchestrator.project;

import java.util.EnumMap;
import java.util.Map;

/** How many projects are in each status. */
public record StatusCounts(Map<ProjectStatus, Long> byStatus) {
    public StatusCounts {
        byStatus = Map.copyOf(new EnumMap<>(byStatus.isEmpty() ? Map.of(ProjectStatus.NOT_STARTED, 0L) : byStatus));
    }

    public long total() {
        return byStatus.values().stream().mapToLong(Long::longValue).sum();
    }

    public long of(ProjectStatus status) {
        return byStatus.getOrDefault(status, 0L);
    }
}
