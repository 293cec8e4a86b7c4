package dev.orchestrator.contract;

import java.util.List;
import java.util.Objects;
import tools.jackson.databind.JsonNode;

/** A part of the architecture and the paths its code lives in. */
public record Component(String name, String responsibility, List<String> paths) {
    public Component {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(responsibility, "responsibility");
        paths = List.copyOf(paths);
    }

    /** Reads a validated component. */
    public static Component from(JsonNode node) {
        return new Component(Nodes.text(node, "name"), Nodes.text(node, "responsibility"), Nodes.texts(node, "paths"));
    }
}
