package dev.orchestrator.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The pipeline's phases, in the order they run. */
public enum PhaseName {
    @JsonProperty("ideation")
    IDEATION,
    @JsonProperty("architecture")
    ARCHITECTURE,
    @JsonProperty("task_breakdown")
    TASK_BREAKDOWN,
    @JsonProperty("initialize")
    INITIALIZE,
    @JsonProperty("implement")
    IMPLEMENT,
    @JsonProperty("test")
    TEST,
    @JsonProperty("deploy")
    DEPLOY;

    @Override
    public String toString() {
        return ConfigEnums.wireName(this);
    }

    /** The phase with this wire name ({@code task_breakdown}), case-insensitively, or null. */
    public static PhaseName fromWireName(String name) {
        for (PhaseName phase : values()) {
            if (phase.toString().equalsIgnoreCase(name)) {
                return phase;
            }
        }
        return null;
    }
}
