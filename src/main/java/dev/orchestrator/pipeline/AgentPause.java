package dev.orchestrator.pipeline;

/**
 * Agent calls cannot go on without the person: the agent gave up after its retries, it cannot run
 * at all (no login, no binary), or a budget is spent. The message is the diagnosis with what to do.
 */
final class AgentPause extends RuntimeException {
    /** Why the calls stopped. */
    enum Kind {
        /** Retries of a failing task ran out (and the fallback, if any, failed too). */
        GAVE_UP,
        /** A failure no retry can cure: authentication, a missing binary. */
        HOPELESS,
        /** The project's or the item's budget is spent. */
        BUDGET
    }

    private final Kind kind;

    AgentPause(Kind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }

    Kind kind() {
        return kind;
    }
}
