package dev.orchestrator.pipeline;

import dev.orchestrator.agent.Agent;
import dev.orchestrator.config.OrchestratorConfig;
import dev.orchestrator.config.PhaseName;
import dev.orchestrator.contract.ContractValidator;
import dev.orchestrator.process.ChildProcesses;
import dev.orchestrator.project.ProjectRepository;
import dev.orchestrator.prompt.Prompts;
import dev.orchestrator.work.WorkTracker;
import java.util.Optional;

/**
 * Everything a pipeline run uses, shared by every project's run. All parts are thread-safe.
 *
 * @param fallback the backend used when {@code agent} has failed for good on a task ({@code agent.fallback})
 * @param failAt a phase made to fail after its work (--fail-at-phase), to prove rollback and resume
 * @param board what running work items are doing now, for /status
 * @param unattended no person is at a prompt (generate, --resume, run --milestone): a merge that
 *     waits longer than {@code phases.implement.merge_wait_seconds} for the person's main checkout
 *     pauses the project instead of waiting on
 */
public record PipelineServices(
        ProjectRepository projects,
        PipelineStore store,
        WorkTracker work,
        AgentLedger ledger,
        Agent agent,
        Optional<Agent> fallback,
        ContractValidator contracts,
        Prompts prompts,
        OrchestratorConfig config,
        ChildProcesses processes,
        Optional<PhaseName> failAt,
        PipelineListener listener,
        ActivityBoard board,
        boolean unattended) {

    /** The backend named {@code runner} (as a session row names it): the configured one or its fallback. */
    public Optional<Agent> backend(String runner) {
        if (agent.name().equals(runner)) {
            return Optional.of(agent);
        }
        return fallback.filter(f -> f.name().equals(runner));
    }
}
