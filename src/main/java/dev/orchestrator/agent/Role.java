package dev.orchestrator.agent;

import java.util.Locale;

/** What an agent is asked to be for one task; it decides the prompt and, for real agents, the tools allowed. */
public enum Role {
    ANALYST,
    ARCHITECT,
    PLANNER,
    DEVELOPER,
    REVIEWER,
    FIXER,
    DEPLOYER;

    /** The name in scripts, events and logs: {@code developer}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Role fromWireName(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }
}
