package dev.orchestrator.app;

import dev.orchestrator.OrchestratorException;

/** The command line cannot be understood. */
final class UsageException extends OrchestratorException {
    UsageException(String message) {
        super(message);
    }

    @Override
    public int exitCode() {
        return 2;
    }
}
