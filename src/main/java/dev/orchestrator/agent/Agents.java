package dev.orchestrator.agent;

import dev.orchestrator.agent.claude.ClaudeCodeAgent;
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
        return config.fallback().map(backend -> create(backend, config, processes));
    }

    private static Agent create(AgentBackend backend, AgentConfig config, ChildProcesses processes) {
        return switch (backend) {
            case SCRIPTED -> new ScriptedAgent(config.script().orElseThrow());
            case CLAUDE_CODE -> new ClaudeCodeAgent(config, processes);
            case CODEX -> new NotInThisVersion(backend);
        };
    }

    /**
     * A backend whose runner this version does not ship yet: projects wait with that explanation
     * instead of failing.
     */
    private record NotInThisVersion(AgentBackend backend) implements Agent {
        @Override
        public String name() {
            return backend.toString();
        }

        @Override
        public Optional<String> unavailable() {
            return Optional.of("the " + backend + " runner is not part of this version of Orchestrator. To dry-run "
                    + "the pipeline, set agent.backend: scripted and agent.script: FILE (see "
                    + "config/scripted-example.yaml), then /resume the project.");
        }

        @Override
        public boolean continuesSessions() {
            return false;
        }

        @Override
        public AgentResult run(AgentTask task, AgentListener listener) {
            return new AgentResult(
                    "",
                    Optional.empty(),
                    Usage.NONE,
                    new AgentResult.Outcome.Failure(
                            ErrorClass.MISSING_BINARY, unavailable().orElseThrow()));
        }
    }
}
