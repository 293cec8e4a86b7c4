package dev.orchestrator.config;

import java.util.Optional;

/**
 * How the deploy phase deploys ({@code deploy}).
 *
 * @param command a shell command run in the project folder; the first URL it prints is the
 *     deployment's address. Empty: a deployer agent is asked instead.
 */
public record DeployConfig(Optional<String> command, int timeoutSeconds) {
    public DeployConfig {
        command = command == null ? Optional.empty() : command.filter(c -> !c.isBlank());
        InvalidSetting.requireRange("timeout_seconds", timeoutSeconds, 1, 86_400);
    }
}
