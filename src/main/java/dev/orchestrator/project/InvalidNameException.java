package dev.orchestrator.project;

import dev.orchestrator.OrchestratorException;

/** A proposed project name cannot be used; the message says why. */
public final class InvalidNameException extends OrchestratorException {
    public InvalidNameException(String problem) {
        super(problem);
    }
}
