package dev.orchestrator.work;

import java.util.List;
import java.util.Optional;

/**
 * One unit of implementation work from the project's work plan.
 *
 * @param attempts how often the item was started (a retry starts its steps afresh)
 * @param findings the last review's findings as JSON, kept when the item needs attention
 * @param guidance what the person said when asking for a retry
 */
public record WorkItem(
        long id,
        String key,
        String title,
        String description,
        List<String> acceptance,
        List<String> dependsOn,
        int priority,
        WorkItemStatus status,
        int attempts,
        int reviewCycles,
        Optional<String> startCommit,
        Optional<String> commit,
        Optional<String> findings,
        Optional<String> guidance) {
    public WorkItem {
        acceptance = List.copyOf(acceptance);
        dependsOn = List.copyOf(dependsOn);
    }

    /** {@code W2 Add login}. */
    public String label() {
        return key + " " + title;
    }
}
