package dev.orchestrator.pipeline;

/** A phase cannot complete: the message says why, in words for the person. */
final class PhaseFailure extends RuntimeException {
    PhaseFailure(String message) {
        super(message, null, false, false);
    }
}
