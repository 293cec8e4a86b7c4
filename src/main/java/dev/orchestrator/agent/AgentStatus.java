package dev.orchestrator.agent;

import java.util.Objects;
import java.util.Optional;

/**
 * What {@code /agents} shows about a backend.
 *
 * @param backend the backend's name ({@code claude-code})
 * @param command the program it runs, as configured
 * @param version the program's version, when it could be asked
 * @param model the configured model; empty for the agent's own default
 * @param problem why it cannot run now, with the fix; empty when it can
 */
public record AgentStatus(
        String backend, String command, Optional<String> version, Optional<String> model, Optional<String> problem) {
    public AgentStatus {
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(problem, "problem");
    }
}
