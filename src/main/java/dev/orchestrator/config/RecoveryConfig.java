package dev.orchestrator.config;

/** How failures are retried and repaired ({@code recovery}). */
public record RecoveryConfig(
        int repairAttempts, int maxRetries, int stallSeconds, int heartbeatSeconds, int shutdownGraceSeconds) {
    public RecoveryConfig {
        InvalidSetting.requireRange("repair_attempts", repairAttempts, 0, 10);
        InvalidSetting.requireRange("max_retries", maxRetries, 0, 20);
        InvalidSetting.requireRange("stall_seconds", stallSeconds, 10, 86_400);
        InvalidSetting.requireRange("heartbeat_seconds", heartbeatSeconds, 1, 3_600);
        InvalidSetting.requireRange("shutdown_grace_seconds", shutdownGraceSeconds, 1, 3_600);
    }
}
