package dev.orchestrator.project;

import dev.orchestrator.OrchestratorException;

/** Another project already has this name or its slug. */
public final class NameTakenException extends OrchestratorException {
    public NameTakenException(String name) {
        super("a project named '" + name + "' already exists; choose another name");
    }
}
