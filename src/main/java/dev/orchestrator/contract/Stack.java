package dev.orchestrator.contract;

import java.util.List;
import java.util.Objects;
import tools.jackson.databind.JsonNode;

/** The technology an architecture is built with. */
public record Stack(String language, List<String> frameworks, String storage) {
    public Stack {
        Objects.requireNonNull(language, "language");
        frameworks = List.copyOf(frameworks);
        Objects.requireNonNull(storage, "storage");
    }

    /** Reads a validated stack. */
    public static Stack from(JsonNode node) {
        return new Stack(Nodes.text(node, "language"), Nodes.texts(node, "frameworks"), Nodes.text(node, "storage"));
    }
}
