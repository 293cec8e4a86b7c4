package dev.orchestrator.contract;

import java.util.List;
import java.util.Objects;
import tools.jackson.databind.JsonNode;

/** A {@code review.v1} document: the verdict on one work item's changes. */
public record Review(Status status, String summary, List<Finding> findings) {
    /** Whether the changes may be merged. */
    public enum Status {
        PASS,
        FAIL;

        @Override
        public String toString() {
            return Nodes.wireName(this);
        }
    }

    public Review {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(summary, "summary");
        findings = List.copyOf(findings);
    }

    /** Reads a validated document; unknown fields are ignored. */
    public static Review from(JsonNode document) {
        return new Review(
                Nodes.constant(document, "status", Status.class),
                Nodes.text(document, "summary"),
                Nodes.list(document, "findings", Finding::from));
    }
}
