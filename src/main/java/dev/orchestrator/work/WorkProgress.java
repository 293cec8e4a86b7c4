package dev.orchestrator.work;

import java.util.Map;

/** How far a project's work items are: counts by status. */
public record WorkProgress(Map<WorkItemStatus, Integer> counts) {
    public WorkProgress {
        counts = Map.copyOf(counts);
    }

    public int of(WorkItemStatus status) {
        return counts.getOrDefault(status, 0);
    }

    public int total() {
        return counts.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** Items that need no more work: done or skipped. */
    public int finished() {
        return of(WorkItemStatus.DONE) + of(WorkItemStatus.SKIPPED);
    }
}
