package dev.orchestrator.agent;

/**
 * Receives what an agent does while it works: short lines a person can read ("Write src/app.py",
 * "API overloaded, retry 2"), the agent's own session id as soon as it is known (so that a crash
 * mid-call can still continue the conversation), and the usage so far. Called on the backend's
 * reader thread; implementations must be quick and thread-safe.
 */
@FunctionalInterface
public interface AgentListener {
    AgentListener NONE = activity -> {};

    void activity(String activity);

    /** The agent's session (Claude Code session, Codex thread) this call runs in. */
    default void sessionId(String sessionId) {}

    /** Tokens and cost of this call so far (a running total, not an increment). */
    default void usage(Usage soFar) {}

    /**
     * The agent's process has started: recorded at once, so that another Orchestrator can find and
     * adopt it should this one die before the call ends.
     */
    default void started(dev.orchestrator.process.AgentProcess process) {}

    /** The agent's output has been read up to {@code offset} bytes. */
    default void read(long offset) {}
}
