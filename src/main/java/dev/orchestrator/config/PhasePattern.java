package dev.orchestrator.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How many agents a phase runs. */
public enum PhasePattern {
    /** One agent. */
    @JsonProperty("single")
    SINGLE,
    /** Several agents with distinct focuses, whose outputs an aggregator merges. */
    @JsonProperty("swarm")
    SWARM;

    @Override
    public String toString() {
        return ConfigEnums.wireName(this);
    }
}
