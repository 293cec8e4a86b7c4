package dev.orchestrator;

/**
 * Root of Orchestrator's failures: something the person has to act on. The message names the
 * subject and says what to do; the program prints it without a stack trace.
 */
public abstract class OrchestratorException extends RuntimeException {
    protected OrchestratorException(String message) {
        super(message);
    }

    protected OrchestratorException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The process exit code when this failure ends the program. */
    public int exitCode() {
        return 1;
    }
}
