package dev.orchestrator.pipeline;

import dev.orchestrator.agent.Role;
import dev.orchestrator.agent.Usage;
import dev.orchestrator.config.PhaseName;
import dev.orchestrator.process.AgentProcess;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * An agent call still marked running that no live Orchestrator runs: its Orchestrator died, was
 * killed or detached while the agent worked. Its agent may still be running, or may have ended
 * with (or without) an answer in its output.
 *
 * @param itemKey the work item's key ({@code W3}), if the call was about one
 * @param externalId the agent's own session id, once it said it
 * @param token the token its process carries; empty for a backend that runs no process
 * @param pid its process's pid, once recorded
 * @param processStartedAt when its process started, once recorded
 * @param processIdentity its process's boot and start tick ({@link AgentProcess#identity()}), once recorded
 * @param logFile the readable copy of its output, once recorded
 * @param offset how far its output had been read and reported
 * @param usage what its usage came to as recorded so far
 * @param adopted how a later Orchestrator took it over ({@code followed}, {@code harvested}), if one did
 */
public record OpenSession(
        long id,
        PhaseName phase,
        Optional<Long> item,
        Optional<String> itemKey,
        Role role,
        String runner,
        int attempt,
        int cycle,
        Optional<String> externalId,
        Optional<String> token,
        Optional<Long> pid,
        Optional<Instant> processStartedAt,
        Optional<String> processIdentity,
        Optional<Path> workDir,
        Optional<Path> logFile,
        long offset,
        Usage usage,
        Instant startedAt,
        Optional<String> adopted) {
    public OpenSession {
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(item, "item");
        Objects.requireNonNull(itemKey, "itemKey");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(externalId, "externalId");
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(pid, "pid");
        Objects.requireNonNull(processStartedAt, "processStartedAt");
        Objects.requireNonNull(processIdentity, "processIdentity");
        Objects.requireNonNull(workDir, "workDir");
        Objects.requireNonNull(logFile, "logFile");
        Objects.requireNonNull(usage, "usage");
        Objects.requireNonNull(adopted, "adopted");
    }

    /** The agent's process, with its output beside {@code logFile}; empty for a backend that runs none. */
    Optional<AgentProcess> process(Path logFile) {
        return token.map(t -> new AgentProcess(
                pid.orElse(0L),
                processStartedAt,
                processIdentity,
                t,
                dev.orchestrator.process.AgentRunner.outputOf(logFile)));
    }

    /** Whether this is the call of that step. */
    boolean isStep(PhaseName phase, Optional<Long> item, Role role, int attempt, int cycle) {
        return this.phase == phase
                && this.item.equals(item)
                && this.role == role
                && this.attempt == attempt
                && this.cycle == cycle;
    }

    /** {@code W1 developer}, {@code analyst}: what the call was, for a person. */
    public String label() {
        return itemKey.map(key -> key + " ").orElse("") + role.wireName();
    }
}
