package dev.orchestrator.contract;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/** A {@code dev_result.v1} document: what a developer did on one work item. */
public record DevResult(Status status, String summary, List<String> files, Optional<String> blocker) {
    /** Whether the item was finished. */
    public enum Status {
        DONE,
        BLOCKED;

        @Override
        public String toString() {
            return Nodes.wireName(this);
        }
    }

    public DevResult {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(summary, "summary");
        files = List.copyOf(files);
        Objects.requireNonNull(blocker, "blocker");
    }

    /** Reads a validated document; unknown fields are ignored. */
    public static DevResult from(JsonNode document) {
        return new DevResult(
                Nodes.constant(document, "status", Status.class),
                Nodes.text(document, "summary"),
                Nodes.texts(document, "files"),
                Nodes.optionalText(document, "blocker"));
    }
}
