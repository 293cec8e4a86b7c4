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

    /** What the backend is on this machine: its program, version and model, or why it cannot run. */
    default AgentStatus status() {
        return new AgentStatus(name(), "", java.util.Optional.empty(), java.util.Optional.empty(), unavailable());
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

    /**
     * Follows a call an earlier Orchestrator process started with this backend, as it recorded it,
     * to its end, as if this process had started it: its whole output is read again from the start
     * (lines up to {@code seenUpTo} bytes were reported already and are not reported again), then
     * followed while the process runs. A call whose process had ended without an answer comes back
     * {@link AgentResult.Outcome.Unfinished}. A backend that runs no process (the scripted one) has
     * nothing to follow: every call of it is unfinished.
     *
     * @param task the call as it was asked (its prompt is not sent again)
     * @throws InterruptedException when the calling thread is interrupted (a stop): the agent's
     *     processes are ended before this returns
     */
    default AgentResult adopt(
            AgentTask task, dev.orchestrator.process.AgentProcess process, long seenUpTo, AgentListener listener)
            throws InterruptedException {
        return AgentResult.unfinished(task.continueSession(), Usage.NONE);
    }

    /**
     * A line of calls (a work item, a swarm member) has ended: the CLI state this backend kept in
     * its {@link AgentTask#stateDir state folder} can go.
     */
    default void forget(java.nio.file.Path stateDir) {}

    /** Whether a call's raw output (its {@code .out} file) ends with the agent's answer, so that it can be harvested. */
    default boolean answered(java.nio.file.Path output) {
        return false;
    }
}
