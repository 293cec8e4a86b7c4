package dev.orchestrator.contract;

import java.util.List;
import java.util.Objects;
import tools.jackson.databind.JsonNode;

/** The outcome of checking an agent's answer against a contract. */
public sealed interface Validation {
    /** The answer holds a valid document; the node was parsed for this call and is the caller's own. */
    record Valid(JsonNode document) implements Validation {
        public Valid {
            Objects.requireNonNull(document, "document");
        }
    }

    /** The answer is unusable; each problem names the JSON location and what is expected there. */
    record Invalid(List<String> problems) implements Validation {
        public Invalid {
            problems = List.copyOf(problems);
            if (problems.isEmpty()) {
                throw new IllegalArgumentException("an invalid answer has at least one problem");
            }
        }

        /** The problems, one per line, as a repair prompt quotes them. */
        public String text() {
            return String.join("\n", problems);
        }
    }
}
