package dev.orchestrator.contract;

import java.util.List;
import java.util.Objects;
import tools.jackson.databind.JsonNode;

/** One item of a work plan; {@code priority} runs from 1 (first) to 4 (last). */
public record PlanItem(
        String key, String title, String description, List<String> acceptance, List<String> dependsOn, int priority) {
    public PlanItem {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(description, "description");
        acceptance = List.copyOf(acceptance);
        dependsOn = List.copyOf(dependsOn);
        if (priority < 1 || priority > 4) {
            throw new IllegalArgumentException("priority of " + key + " must be 1 to 4, was " + priority);
        }
    }

    /** Reads a validated item. */
    public static PlanItem from(JsonNode node) {
        return new PlanItem(
                Nodes.text(node, "key"),
                Nodes.text(node, "title"),
                Nodes.text(node, "description"),
                Nodes.texts(node, "acceptance"),
                Nodes.texts(node, "depends_on"),
                node.required("priority").intValue());
    }
}
