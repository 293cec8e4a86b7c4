package dev.orchestrator.contract;

import java.util.Objects;
import tools.jackson.databind.JsonNode;

/** The shell commands of a project, run from its root; an empty command means the step is not needed. */
public record Commands(String setup, String build, String test, String run) {
    public Commands {
        Objects.requireNonNull(setup, "setup");
        Objects.requireNonNull(build, "build");
        Objects.requireNonNull(test, "test");
        Objects.requireNonNull(run, "run");
    }

    /** Reads validated commands. */
    public static Commands from(JsonNode node) {
        return new Commands(
                Nodes.text(node, "setup"),
                Nodes.text(node, "build"),
                Nodes.text(node, "test"),
                Nodes.text(node, "run"));
    }
}
