package dev.orchestrator.milestone;

import dev.orchestrator.OrchestratorException;

/**
 * A repository's configuration or issue documents cannot be used for {@code run --milestone}. The
 * message names the file (and line or key where there is one) and says what to change; the program
 * exits with 2, like any other configuration problem.
 */
public final class MilestoneException extends OrchestratorException {
    public MilestoneException(String message) {
        super(message);
    }

    /** Configuration and usage problems exit with 2. */
    @Override
    public int exitCode() {
        return 2;
    }
}
