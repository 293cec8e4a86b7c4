package dev.orchestrator.config;

/**
 * How failures are retried and repaired ({@code recovery}).
 *
 * @param backoffSeconds the wait before the first retry of a transient failure; each later retry
 *     waits twice as long (with jitter), unless the API said how long to wait
 * @param backoffMaxSeconds the longest wait between two retries
 */
public record RecoveryConfig(
        int repairAttempts,
        int maxRetries,
        int stallSeconds,
        int heartbeatSeconds,
        int shutdownGraceSeconds,
        int backoffSeconds,
        int backoffMaxSeconds) {
    public RecoveryConfig {
        InvalidSetting.requireRange("repair_attempts", repairAttempts, 0, 10);
        InvalidSetting.requireRange("max_retries", maxRetries, 0, 20);
        InvalidSetting.requireRange("stall_seconds", stallSeconds, 1, 86_400);
        InvalidSetting.requireRange("heartbeat_seconds", heartbeatSeconds, 1, 3_600);
        InvalidSetting.requireRange("shutdown_grace_seconds", shutdownGraceSeconds, 1, 3_600);
        InvalidSetting.requireRange("backoff_seconds", backoffSeconds, 0, 600);
        InvalidSetting.requireRange("backoff_max_seconds", backoffMaxSeconds, 0, 3_600);
        if (backoffMaxSeconds < backoffSeconds) {
            throw new InvalidSetting(
                    "backoff_max_seconds", "must be at least backoff_seconds (" + backoffSeconds + ")");
        }
    }
}
