package dev.orchestrator.pipeline;

import dev.orchestrator.agent.Role;
import dev.orchestrator.config.PhaseName;
import dev.orchestrator.contract.Contract;
import dev.orchestrator.project.ProjectId;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * An agent call about to start, as its session row records it.
 *
 * @param item the work item the call is about, if any
 * @param runner the backend's name
 * @param continues the agent's own session the call continues, if it does
 * @param token marks the call's process (see {@link dev.orchestrator.process.AgentProcess})
 * @param workDir where the agent works
 */
public record NewSession(
        ProjectId project,
        PhaseName phase,
        Optional<Long> item,
        Role role,
        String runner,
        int attempt,
        int cycle,
        Optional<Contract> contract,
        Optional<String> continues,
        String token,
        Path workDir) {
    public NewSession {
        Objects.requireNonNull(project, "project");
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(item, "item");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(runner, "runner");
        Objects.requireNonNull(contract, "contract");
        Objects.requireNonNull(continues, "continues");
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(workDir, "workDir");
    }

    /** A call with no session to continue, working in the current folder (for tools that record calls they make themselves). */
    public static NewSession of(
            ProjectId project,
            PhaseName phase,
            Optional<Long> item,
            Role role,
            String runner,
            int attempt,
            int cycle,
            Optional<Contract> contract) {
        return new NewSession(
                project,
                phase,
                item,
                role,
                runner,
                attempt,
                cycle,
                contract,
                Optional.empty(),
                java.util.UUID.randomUUID().toString(),
                Path.of("").toAbsolutePath());
    }
}
