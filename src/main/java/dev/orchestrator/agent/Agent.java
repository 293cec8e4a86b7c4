package dev.orchestrator.agent;

/**
 * A coding agent: takes one task, does the work in the task's folder, and answers. Every phase of
 * the pipeline reaches agents through this one interface; backends are the scripted replayer here
 * and the Claude Code and Codex runners.
 *
 * <p>Implementations are safe to call from many threads at once (one call per project thread).
 */
public interface Agent {

    /** The backend's name as configured: {@code scripted}, {@code claude-code}, {@code codex}. */
    String name();

    /**
     * Why this backend cannot run at all right now, with the fix (a missing binary, a runner this
     * version does not have); empty when it can.
     */
    default java.util.Optional<String> unavailable() {
        return java.util.Optional.empty();
    }

    /** What {@code /agents} shows: the program, its version, the model and any problem. */
    default AgentStatus status() {
        return new AgentStatus(name(), name(), java.util.Optional.empty(), java.util.Optional.empty(), unavailable());
    }

    /** Whether {@link AgentTask#continueSession()} is honoured, so a repair or fix continues one conversation. */
    boolean continuesSessions();

    /**
     * Runs one task to its end. Failures of the agent are reported in {@link AgentResult#outcome()},
     * not thrown.
     *
     * @throws InterruptedException when the calling thread is interrupted (a stop): the agent's
     *     processes are ended before this returns
     */
    AgentResult run(AgentTask task, AgentListener listener) throws InterruptedException;
}
