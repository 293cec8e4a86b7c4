package dev.orchestrator.agent;

import java.util.Objects;
import java.util.Optional;

/**
 * What an agent answered.
 *
 * @param text the agent's final message (for contract tasks it ends with the fenced JSON block)
 * @param sessionId the agent's own session id, to continue the conversation later
 * @param usage tokens and cost of this call
 */
public record AgentResult(String text, Optional<String> sessionId, Usage usage, Outcome outcome) {

    public AgentResult {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(usage, "usage");
        Objects.requireNonNull(outcome, "outcome");
    }

    public boolean succeeded() {
        return outcome instanceof Outcome.Success;
    }

    /** What a call that left no answer, and had ended before anyone saw it end, comes to. */
    public static AgentResult unfinished(Optional<String> sessionId, Usage usage) {
        return new AgentResult("", sessionId, usage, new Outcome.Unfinished());
    }

    /** How a call ended. */
    public sealed interface Outcome {
        record Success() implements Outcome {}

        /**
         * An adopted call whose process had ended before anyone followed it (it died with its
         * Orchestrator, or the machine restarted) and whose output holds no answer: nothing failed
         * that a retry should count; the agent's session, if it has one, can be continued.
         */
        record Unfinished() implements Outcome {}

        /**
         * @param retryAfter how long the API asked us to wait before trying again, if it said
         */
        record Failure(ErrorClass errorClass, String message, Optional<java.time.Duration> retryAfter)
                implements Outcome {
            public Failure {
                Objects.requireNonNull(errorClass, "errorClass");
                Objects.requireNonNull(message, "message");
                Objects.requireNonNull(retryAfter, "retryAfter");
            }

            public Failure(ErrorClass errorClass, String message) {
                this(errorClass, message, Optional.empty());
            }
        }
    }
}
