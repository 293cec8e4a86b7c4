package dev.orchestrator.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How much the orchestrator decides without asking the person. */
public enum Autonomy {
    /** Pause for approval after each checkpoint phase and ask clarifying questions. */
    @JsonProperty("checkpoint")
    CHECKPOINT,
    /** Never pause; take the first option of every question and record it as an assumption. */
    @JsonProperty("full")
    FULL;

    @Override
    public String toString() {
        return ConfigEnums.wireName(this);
    }
}
