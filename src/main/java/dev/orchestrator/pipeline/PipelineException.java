package dev.orchestrator.pipeline;

import dev.orchestrator.OrchestratorException;

/** A request about a project's pipeline cannot be carried out; the message says why and what to do. */
public final class PipelineException extends OrchestratorException {
    public PipelineException(String message) {
        super(message);
    }
}
