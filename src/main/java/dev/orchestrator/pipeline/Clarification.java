package dev.orchestrator.pipeline;

import dev.orchestrator.config.PhaseName;
import java.util.List;
import java.util.Optional;

/** A question an agent asked in a planning phase, and its answer once given (or assumed). */
public record Clarification(
        long id,
        PhaseName phase,
        String key,
        String question,
        List<String> options,
        Optional<String> answer,
        boolean assumed) {
    public Clarification {
        options = List.copyOf(options);
    }

    public boolean answered() {
        return answer.isPresent();
    }
}
