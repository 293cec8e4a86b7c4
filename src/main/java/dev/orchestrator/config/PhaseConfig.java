package dev.orchestrator.config;

/** Settings of one pipeline phase ({@code phases.<name>}). */
public record PhaseConfig(boolean enabled, PhasePattern pattern, int swarmSize, boolean checkpoint) {
    public PhaseConfig {
        InvalidSetting.requirePresent("pattern", pattern);
        InvalidSetting.requireRange("swarm_size", swarmSize, 2, 8);
    }
}
