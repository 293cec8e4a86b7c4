package dev.orchestrator.contract;

import java.util.Objects;
import tools.jackson.databind.JsonNode;

/** One feature of the requirements. */
public record Feature(String id, String title, String description, Priority priority) {
    /** How much the software needs the feature (MoSCoW, without won't). */
    public enum Priority {
        MUST,
        SHOULD,
        COULD;

        @Override
        public String toString() {
            return Nodes.wireName(this);
        }
    }

    public Feature {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(priority, "priority");
    }

    /** Reads a validated feature. */
    public static Feature from(JsonNode node) {
        return new Feature(
                Nodes.text(node, "id"),
                Nodes.text(node, "title"),
                Nodes.text(node, "description"),
                Nodes.constant(node, "priority", Priority.class));
    }
}
