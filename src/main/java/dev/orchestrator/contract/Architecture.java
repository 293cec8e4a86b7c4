package dev.orchestrator.contract;

import java.util.List;
import java.util.Objects;
import tools.jackson.databind.JsonNode;

/** An {@code architecture.v1} document. */
public record Architecture(
        String summary, Stack stack, List<Component> components, Commands commands, List<Question> questions) {
    public Architecture {
        Objects.requireNonNull(summary, "summary");
        Objects.requireNonNull(stack, "stack");
        components = List.copyOf(components);
        Objects.requireNonNull(commands, "commands");
        questions = List.copyOf(questions);
    }

    /** Reads a validated document; unknown fields are ignored. */
    public static Architecture from(JsonNode document) {
        return new Architecture(
                Nodes.text(document, "summary"),
                Stack.from(document.required("stack")),
                Nodes.list(document, "components", Component::from),
                Commands.from(document.required("commands")),
                Nodes.list(document, "questions", Question::from));
    }
}
