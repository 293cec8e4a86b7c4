package dev.orchestrator.contract;

import java.util.Objects;
import java.util.OptionalInt;
import tools.jackson.databind.JsonNode;

/** One problem a reviewer found; no line means the whole file. */
public record Finding(Severity severity, String path, OptionalInt line, String message) {
    /** How much the finding matters. */
    public enum Severity {
        /** Wrong or broken; must be fixed. */
        BLOCKER,
        /** Should be fixed before merging. */
        MAJOR,
        /** Worth improving; does not stop the merge. */
        MINOR;

        @Override
        public String toString() {
            return Nodes.wireName(this);
        }
    }

    public Finding {
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(line, "line");
        Objects.requireNonNull(message, "message");
    }

    /** Reads a validated finding. */
    public static Finding from(JsonNode node) {
        return new Finding(
                Nodes.constant(node, "severity", Severity.class),
                Nodes.text(node, "path"),
                Nodes.optionalInt(node, "line"),
                Nodes.text(node, "message"));
    }
}
