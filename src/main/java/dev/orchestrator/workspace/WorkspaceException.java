package dev.orchestrator.workspace;

import dev.orchestrator.OrchestratorException;

/** A workspace folder cannot be used as asked. {@link GitException} narrows it to a failed git command. */
public class WorkspaceException extends OrchestratorException {
    public WorkspaceException(String message) {
        super(message);
    }

    public WorkspaceException(String message, Throwable cause) {
        super(message, cause);
    }
}
