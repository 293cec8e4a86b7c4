package dev.orchestrator.contract;

import java.util.List;
import java.util.Objects;
import tools.jackson.databind.JsonNode;

/** A {@code requirements.v1} document. */
public record Requirements(
        String name, String summary, List<Feature> features, List<String> constraints, List<Question> questions) {
    public Requirements {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(summary, "summary");
        features = List.copyOf(features);
        constraints = List.copyOf(constraints);
        questions = List.copyOf(questions);
    }

    /** Reads a validated document; unknown fields are ignored. */
    public static Requirements from(JsonNode document) {
        return new Requirements(
                Nodes.text(document, "name"),
                Nodes.text(document, "summary"),
                Nodes.list(document, "features", Feature::from),
                Nodes.texts(document, "constraints"),
                Nodes.list(document, "questions", Question::from));
    }
}
