package dev.orchestrator.pipeline;

/**
 * Asks a running pipeline to stop at its next safe point: between agent calls, never inside one.
 * Set from any thread; read by the pipeline's thread.
 */
public final class StopSignal {
    private volatile String reason;

    public void request(String why) {
        reason = why;
        synchronized (this) {
            notifyAll();
        }
    }

    /**
     * Waits for {@code duration}, or until a stop is asked for (then it throws, as {@link #check}
     * does): a pipeline waiting to retry is at a safe point.
     */
    void sleep(java.time.Duration duration) throws InterruptedException {
        long deadline = System.nanoTime() + duration.toNanos();
        synchronized (this) {
            for (long left = duration.toNanos(); left > 0 && reason == null; left = deadline - System.nanoTime()) {
                java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        }
        check();
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
