package dev.orchestrator.config;

/**
 * Settings of one pipeline phase ({@code phases.<name>}).
 *
 * @param maxReviewCycles fix cycles after a failing review or test run (implement and test only)
 * @param timeoutSeconds longest run of the project's test command (test only)
 * @param maxParallel how many work items run at once, each in its own worktree (implement only)
 * @param mergeWaitSeconds how long a run with no one at a prompt (generate, --resume, run
 *     --milestone) lets a passing item's merge wait for the person's main checkout before it pauses
 *     the project (implement only)
 */
public record PhaseConfig(
        boolean enabled,
        PhasePattern pattern,
        int swarmSize,
        boolean checkpoint,
        Integer maxReviewCycles,
        Integer timeoutSeconds,
        Integer maxParallel,
        Integer mergeWaitSeconds) {
    /** Fix cycles when a phase does not set {@code max_review_cycles}. */
    public static final int DEFAULT_REVIEW_CYCLES = 2;

    /** Test command time limit when a phase does not set {@code timeout_seconds}. */
    public static final int DEFAULT_TIMEOUT_SECONDS = 900;

    /** Items at once when the implement phase does not set {@code max_parallel}. */
    public static final int DEFAULT_MAX_PARALLEL = 3;

    /** Merge wait of an unattended run when the implement phase does not set {@code merge_wait_seconds}. */
    public static final int DEFAULT_MERGE_WAIT_SECONDS = 300;

    public PhaseConfig {
        InvalidSetting.requirePresent("pattern", pattern);
        InvalidSetting.requireRange("swarm_size", swarmSize, 2, 8);
        maxReviewCycles = maxReviewCycles == null ? DEFAULT_REVIEW_CYCLES : maxReviewCycles;
        InvalidSetting.requireRange("max_review_cycles", maxReviewCycles, 0, 10);
        timeoutSeconds = timeoutSeconds == null ? DEFAULT_TIMEOUT_SECONDS : timeoutSeconds;
        InvalidSetting.requireRange("timeout_seconds", timeoutSeconds, 1, 86_400);
        maxParallel = maxParallel == null ? DEFAULT_MAX_PARALLEL : maxParallel;
        InvalidSetting.requireRange("max_parallel", maxParallel, 1, 32);
        mergeWaitSeconds = mergeWaitSeconds == null ? DEFAULT_MERGE_WAIT_SECONDS : mergeWaitSeconds;
        InvalidSetting.requireRange("merge_wait_seconds", mergeWaitSeconds, 0, 86_400);
    }
}
