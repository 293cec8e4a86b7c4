package dev.orchestrator.pipeline;

/**
 * Asks a running pipeline to stop at its next safe point: between agent calls, never inside one.
 * Set from any thread; read by the pipeline's thread.
 */
public final class StopSignal {
    private volatile String reason;

    public void request(String why) {
        reason = why;
    }

    public boolean requested() {
        return reason != null;
    }

    /** @throws StopRequested when a stop was asked for */
    void check() {
        if (reason != null) {
            throw new StopRequested(reason);
        }
    }

    /** The pipeline reached a safe point after a stop was asked for. */
    static final class StopRequested extends RuntimeException {
        StopRequested(String reason) {
            super(reason, null, false, false);
        }
    }
}
