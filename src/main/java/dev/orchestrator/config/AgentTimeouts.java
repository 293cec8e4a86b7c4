package dev.orchestrator.config;

/** Time limits of agent calls ({@code agent.timeouts}). */
public record AgentTimeouts(int callSeconds) {
    public AgentTimeouts {
        InvalidSetting.requireRange("call_seconds", callSeconds, 10, 86_400);
    }
}
