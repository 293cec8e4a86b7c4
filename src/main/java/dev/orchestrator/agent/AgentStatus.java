package dev.orchestrator.agent;

import java.util.Objects;
import java.util.Optional;

/**
 * What a backend is on this machine, for the banner and {@code /agents}.
 *
 * @param backend the backend's name as configured: {@code claude-code}
 * @param command the program it runs (as configured, or the resolved path)
 * @param version what the program says its version is, when it could be asked
 * @param model the model configured for it; empty for the agent's own default
 * @param problem why it cannot run, with the fix; empty when it can
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

    public boolean available() {
        return problem.isEmpty();
    }
}
