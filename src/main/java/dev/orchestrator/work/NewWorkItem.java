package dev.orchestrator.work;

import java.util.List;

/** A work item as the plan describes it, before it is stored. */
public record NewWorkItem(
        String key, String title, String description, List<String> acceptance, List<String> dependsOn, int priority) {
    public NewWorkItem {
        acceptance = List.copyOf(acceptance);
        dependsOn = List.copyOf(dependsOn);
    }
}
