package dev.orchestrator.contract;

import java.util.List;
import java.util.Objects;
import tools.jackson.databind.JsonNode;

/** A question for the person; an empty {@code options} list asks for a free-text answer. */
public record Question(String id, String question, List<String> options) {
    public Question {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(question, "question");
        options = List.copyOf(options);
    }

    /** Reads a validated question. */
    public static Question from(JsonNode node) {
        return new Question(Nodes.text(node, "id"), Nodes.text(node, "question"), Nodes.texts(node, "options"));
    }
}
