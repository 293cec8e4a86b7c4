package dev.orchestrator.agent;

import dev.orchestrator.agent.claude.ClaudeCodeAgent;
import dev.orchestrator.agent.codex.CodexAgent;
import dev.orchestrator.config.AgentBackend;
import dev.orchestrator.config.AgentConfig;
import dev.orchestrator.process.ChildProcesses;
import java.util.Optional;

/** Builds the configured agent backend. */
public final class Agents {
    private Agents() {}

    /**
     * The configured backend.
     *
     * @param processes where agent processes are registered, so that none outlives Orchestrator
     */
    public static Agent create(AgentConfig config, ChildProcesses processes) {
        return create(config.backend(), config, processes);
    }

    /** The {@code agent.fallback} backend, if one is configured. */
    public static Optional<Agent> fallback(AgentConfig config, ChildProcesses processes) {
        return config.fallback().map(backend -> create(backend, config.forBackend(backend), processes));
    }

    /** The backends that drive a real coding agent, whether configured or not, for {@code /agents}. */
    public static java.util.List<Agent> real(AgentConfig config, ChildProcesses processes) {
        return java.util.List.of(
                create(AgentBackend.CLAUDE_CODE, config.forBackend(AgentBackend.CLAUDE_CODE), processes),
                create(AgentBackend.CODEX, config.forBackend(AgentBackend.CODEX), processes));
    }

    private static Agent create(AgentBackend backend, AgentConfig config, ChildProcesses processes) {
        return switch (backend) {
            case SCRIPTED -> new ScriptedAgent(config.script().orElseThrow());
            case CLAUDE_CODE -> new ClaudeCodeAgent(config, processes);
            case CODEX -> new CodexAgent(config, processes);
        };
    }
}
