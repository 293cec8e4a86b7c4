package dev.orchestrator.pipeline;

import dev.orchestrator.agent.Role;
import dev.orchestrator.agent.Usage;
import dev.orchestrator.config.PhaseName;
import dev.orchestrator.project.ProjectId;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * What agent calls cost and left behind, beyond their start and end: usage as it arrives, spend per
 * project, phase and item, the limits a person raised with {@code /budget}, the agent session to
 * continue after an interruption, and the planning cache. Writes are durable when they return.
 */
public interface AgentLedger {

    /** The agent's own session id, recorded as soon as the agent says it (before the call ends). */
    void sessionAgentId(long session, String externalId);

    /** Adds usage that arrived during the call and records how far its output has been read. */
    void sessionProgress(long session, Usage increment, long offset);

    /**
     * The call's agent process has started: its pid and start time, and where its output goes.
     * Written at once, so that another Orchestrator can find the agent should this one die.
     */
    void sessionProcess(long session, dev.orchestrator.process.AgentProcess process, java.nio.file.Path logFile);

    /** Another Orchestrator than the one that started the call took it over: {@code followed} or {@code harvested}. */
    void sessionAdopted(long session, String how);

    /** Everything the project's agent calls have used so far. */
    Usage projectSpend(ProjectId project);

    /** Everything the work item's agent calls have used so far. */
    Usage itemSpend(long item);

    /** The project's spend per phase. */
    Map<PhaseName, Usage> phaseSpend(ProjectId project);

    /** The project's spend per work item id. */
    Map<Long, Usage> itemSpends(ProjectId project);

    /** Limits a person set for this project, in micro-dollars; empty where the configuration applies. */
    Limits limits(ProjectId project);

    void setLimits(ProjectId project, Limits limits);

    /**
     * The agent session of the last call of this step that was interrupted (a stop or a crash) with
     * the agent's session id known, if the step has no later call.
     */
    Optional<String> interruptedSession(
            ProjectId project, PhaseName phase, Optional<Long> item, Role role, int attempt, int cycle);

    /** A cached planning answer that has not expired. */
    Optional<String> cached(String key, Instant now);

    void cache(String key, String backend, Optional<String> model, String contract, String answer, Instant expires);

    /** Spending limits of one project, in micro-dollars. */
    record Limits(Optional<Long> projectMicros, Optional<Long> itemMicros) {
        public static final Limits NONE = new Limits(Optional.empty(), Optional.empty());
    }
}
