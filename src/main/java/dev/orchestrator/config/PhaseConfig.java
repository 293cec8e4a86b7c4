package dev.orchestrator.config;

/**
 * Settings of one pipeline phase ({@code phases.<name>}).
 *
 * @param maxReviewCycles fix cycles after a failing review or test run (implement and test only)
 * @param timeoutSeconds longest run of the project's test command (test only)
 */
public record PhaseConfig(
        boolean enabled,
        PhasePattern pattern,
        int swarmSize,
        boolean checkpoint,
        Integer maxReviewCycles,
        Integer timeoutSeconds) {
    /** Fix cycles when a phase does not set {@code max_review_cycles}. */
    public static final int DEFAULT_REVIEW_CYCLES = 2;

    /** Test command time limit when a phase does not set {@code timeout_seconds}. */
    public static final int DEFAULT_TIMEOUT_SECONDS = 900;

    public PhaseConfig {
        InvalidSetting.requirePresent("pattern", pattern);
        InvalidSetting.requireRange("swarm_size", swarmSize, 2, 8);
        maxReviewCycles = maxReviewCycles == null ? DEFAULT_REVIEW_CYCLES : maxReviewCycles;
        InvalidSetting.requireRange("max_review_cycles", maxReviewCycles, 0, 10);
        timeoutSeconds = timeoutSeconds == null ? DEFAULT_TIMEOUT_SECONDS : timeoutSeconds;
        InvalidSetting.requireRange("timeout_seconds", timeoutSeconds, 1, 86_400);
    }
}
