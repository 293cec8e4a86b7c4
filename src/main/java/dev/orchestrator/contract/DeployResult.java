package dev.orchestrator.contract;

import java.util.Objects;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/** A {@code deploy.v1} document: the outcome of deploying the software. */
public record DeployResult(Status status, Optional<String> url, String notes) {
    /** How the deployment ended. */
    public enum Status {
        DEPLOYED,
        SKIPPED,
        FAILED;

        @Override
        public String toString() {
            return Nodes.wireName(this);
        }
    }

    public DeployResult {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(notes, "notes");
    }

    /** Reads a validated document; unknown fields are ignored. */
    public static DeployResult from(JsonNode document) {
        return new DeployResult(
                Nodes.constant(document, "status", Status.class),
                Nodes.optionalText(document, "url"),
                Nodes.text(document, "notes"));
    }
}
