package dev.orchestrator.agent;

import dev.orchestrator.config.PhaseName;
import dev.orchestrator.contract.Contract;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One piece of work for an agent.
 *
 * @param phase the pipeline phase asking
 * @param itemKey the work item ({@code W3}) the task is about, if any
 * @param prompt the rendered prompt
 * @param workDir where the agent works; it may edit files here
 * @param contract the JSON contract the answer must end with, if any
 * @param continueSession the agent's own session id to continue (a repair, a fix, a resume)
 * @param timeout the longest the call may take
 * @param stall how long the agent may stay silent before it is treated as stalled and ended
 * @param logFile where a backend that runs a process keeps the readable copy of its output, a line
 *     each (its raw output and prompt files sit beside it)
 * @param token marks this call's process, so that another Orchestrator can find it again (see
 *     {@link dev.orchestrator.process.AgentProcess})
 * @param stateDir a folder of this line of calls' own (a work item's), where a backend keeps CLI
 *     state that calls running at once must not share; empty: the CLI's usual state
 */
public record AgentTask(
        Role role,
        PhaseName phase,
        Optional<String> itemKey,
        String prompt,
        Path workDir,
        Optional<Contract> contract,
        Optional<String> continueSession,
        Duration timeout,
        Duration stall,
        Path logFile,
        String token,
        Optional<Path> stateDir) {

    public AgentTask {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(itemKey, "itemKey");
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(workDir, "workDir");
        Objects.requireNonNull(contract, "contract");
        Objects.requireNonNull(continueSession, "continueSession");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(stall, "stall");
        Objects.requireNonNull(logFile, "logFile");
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(stateDir, "stateDir");
    }

    /** A task with a token of its own and the CLI's usual state. */
    public AgentTask(
            Role role,
            PhaseName phase,
            Optional<String> itemKey,
            String prompt,
            Path workDir,
            Optional<Contract> contract,
            Optional<String> continueSession,
            Duration timeout,
            Duration stall,
            Path logFile) {
        this(
                role,
                phase,
                itemKey,
                prompt,
                workDir,
                contract,
                continueSession,
                timeout,
                stall,
                logFile,
                java.util.UUID.randomUUID().toString(),
                Optional.empty());
    }

    /** This task continuing the agent's session {@code sessionId} with {@code newPrompt}. */
    public AgentTask continuing(Optional<String> sessionId, String newPrompt) {
        return new AgentTask(
                role, phase, itemKey, newPrompt, workDir, contract, sessionId, timeout, stall, logFile, token,
                stateDir);
    }
}
