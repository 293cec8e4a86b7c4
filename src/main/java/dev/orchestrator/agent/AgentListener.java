package dev.orchestrator.agent;

/** Receives what an agent does while it works, as short lines a person can read ("Write src/app.py"). */
@FunctionalInterface
public interface AgentListener {
    AgentListener NONE = activity -> {};

    void activity(String activity);
}
