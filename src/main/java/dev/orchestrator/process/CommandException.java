package dev.orchestrator.process;

import dev.orchestrator.OrchestratorException;

/** A command could not be started: its program or folder is missing, or Orchestrator is stopping. */
public final class CommandException extends OrchestratorException {
    public CommandException(String message) {
        super(message);
    }

    public CommandException(String message, Throwable cause) {
        super(message, cause);
    }
}
