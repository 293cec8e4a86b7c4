package dev.orchestrator.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The coding agents the orchestrator can drive. */
public enum AgentBackend {
    @JsonProperty("claude-code")
    CLAUDE_CODE("claude"),
    @JsonProperty("codex")
    CODEX("codex"),
    /** Replays a script file; for dry runs and tests, never chosen by default. */
    @JsonProperty("scripted")
    SCRIPTED(null);

    private final String defaultCommand;

    AgentBackend(String defaultCommand) {
        this.defaultCommand = defaultCommand;
    }

    /** The program run when {@code agent.command} is not set, or null when the backend runs none. */
    public String defaultCommand() {
        return defaultCommand;
    }

    @Override
    public String toString() {
        return ConfigEnums.wireName(this);
    }
}
