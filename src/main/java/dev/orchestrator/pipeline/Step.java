package dev.orchestrator.pipeline;

import dev.orchestrator.agent.Role;
import java.util.Optional;

/**
 * A finished agent call of a work item: the validated answer, and the snapshot of the work tree it
 * left, so a resumed item continues after it instead of calling the agent again.
 */
public record Step(long sessionId, Role role, int cycle, String output, Optional<String> snapshot) {}
