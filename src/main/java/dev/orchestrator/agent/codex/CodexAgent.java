package dev.orchestrator.agent.codex;

import dev.orchestrator.agent.Agent;
import dev.orchestrator.agent.AgentListener;
import dev.orchestrator.agent.AgentResult;
import dev.orchestrator.agent.AgentStatus;
import dev.orchestrator.agent.AgentTask;
import dev.orchestrator.agent.ErrorClass;
import dev.orchestrator.agent.Role;
import dev.orchestrator.agent.Usage;
import dev.orchestrator.config.AgentConfig;
import dev.orchestrator.process.ChildProcesses;
import dev.orchestrator.process.Command;
import dev.orchestrator.process.CommandException;
import dev.orchestrator.process.CommandResult;
import dev.orchestrator.process.CommandRunner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Codex CLI as an {@link Agent}: each task is one {@code codex exec --json} process in the
 * task's folder (a continued session is {@code codex exec … resume THREAD_ID PROMPT}), its JSONL
 * events turned into activity, the thread id, usage and the final message.
 *
 * <p>Settings: {@code agent.command} (default {@code codex}), {@code agent.model} ({@code -m}),
 * {@code agent.env} (added to the process's environment, e.g. {@code CODEX_HOME}, {@code
 * OPENAI_API_KEY}), {@code agent.prices} (Codex reports tokens, not money). {@code agent.max_turns}
 * is ignored: {@code codex exec} has no such limit; the call's timeout and stall window bound it.
 * A reviewer runs in Codex's {@code read-only} sandbox, every other role in {@code workspace-write}.
 *
 * <p>Codex reports a thread's usage as a running total over all of its calls. The usage of a call
 * is the total at its end less the total before it: for a thread this instance ran earlier, the
 * total it remembers; otherwise (a resume after Orchestrator restarted) the last {@code token_count}
 * in the thread's session file under {@code $CODEX_HOME/sessions}; if neither is found, the whole
 * total is counted (and the activity says so).
 *
 * <p>Thread-safe: calls share only the map of thread totals and the cached status.
 */
public final class CodexAgent implements Agent {
    private static final int MAX_LINE_CHARS = 4 * 1024 * 1024;
    private static final long STATUS_TTL_NANOS = Duration.ofSeconds(30).toNanos();

    private final AgentConfig config;
    private final Map<String, String> environment;
    private final CodexInstallation installation;
    private final CommandRunner runner;
    private final Map<String, TokenTotals> threadTotals = new ConcurrentHashMap<>();
    private volatile CachedStatus cached;

    /** A runner whose processes are registered with {@code processes}, seeing Orchestrator's environment. */
    public CodexAgent(AgentConfig config, ChildProcesses processes) {
        this(config, processes, System.getenv());
    }

    /** @param baseEnvironment the environment codex starts from; agent.env goes on top */
    CodexAgent(AgentConfig config, ChildProcesses processes, Map<String, String> baseEnvironment) {
        this.config = config;
        Map<String, String> environment = new HashMap<>(baseEnvironment);
        environment.putAll(config.env());
        this.environment = Map.copyOf(environment);
        this.installation =
                new CodexInstallation(config.effectiveCommand().orElse("codex"), this.environment, processes);
        this.runner = new CommandRunner(processes);
    }

    private record CachedStatus(AgentStatus status, long checkedNanos) {}

    @Override
    public String name() {
        return "codex";
    }

    @Override
    public boolean continuesSessions() {
        return true;
    }

    /** Checked at most every 30 s: the program, {@code codex --version}, and credentials. */
    @Override
    public AgentStatus status() {
        CachedStatus current = cached;
        if (current == null || System.nanoTime() - current.checkedNanos() > STATUS_TTL_NANOS) {
            current = new CachedStatus(installation.status(name(), config.model()), System.nanoTime());
            cached = current;
        }
        return current.status();
    }

    @Override
    public Optional<String> unavailable() {
        return status().problem();
    }

    @Override
    public AgentResult run(AgentTask task, AgentListener listener) throws InterruptedException {
        Optional<Path> program = installation.program();
        if (program.isEmpty()) {
            return failure(task, ErrorClass.MISSING_BINARY, installation.missingProgram());
        }
        TokenTotals before = task.continueSession()
                .map(thread -> totalsBefore(thread, listener))
                .orElse(TokenTotals.ZERO);
        CodexRun run = new CodexRun(listener, task.workDir(), before, pricing());
        Command command = Command.of(
                        arguments(program.get().toString(), task), task.workDir(), task.logFile(), task.timeout())
                .withEnvironment(config.env())
                .withStallTimeout(task.stall())
                .withMaxLineChars(MAX_LINE_CHARS)
                .withInput(task.prompt());
        CommandResult result;
        try {
            result = runner.run(command, run::accept);
        } catch (CommandException e) {
            return failure(
                    task,
                    installation.program().isEmpty() ? ErrorClass.MISSING_BINARY : ErrorClass.CRASH,
                    installation.program().isEmpty() ? installation.missingProgram() : e.getMessage());
        }
        run.threadId().ifPresent(thread -> run.threadTotals().ifPresent(totals -> threadTotals.put(thread, totals)));
        return run.result(result, task.stall());
    }

    /**
     * {@code codex exec --json -C DIR -s SANDBOX --skip-git-repo-check [-m MODEL] [resume ID] -}:
     * the exec options go before {@code resume}, which does not accept {@code -C} or {@code -s}.
     * The prompt argument {@code -} makes Codex read the prompt from standard input, where the
     * runner writes it (an argument is limited to 128 KiB by Linux); {@code exec} and {@code exec
     * resume} both accept it.
     */
    List<String> arguments(String program, AgentTask task) {
        List<String> arguments = new ArrayList<>(List.of(
                program,
                "exec",
                "--json",
                "-C",
                task.workDir().toString(),
                "-s",
                task.role() == Role.REVIEWER ? "read-only" : "workspace-write",
                "--skip-git-repo-check"));
        config.model().ifPresent(model -> arguments.addAll(List.of("-m", model)));
        task.continueSession().ifPresent(thread -> arguments.addAll(List.of("resume", thread)));
        arguments.add("-");
        return arguments;
    }

    private TokenTotals totalsBefore(String thread, AgentListener listener) {
        TokenTotals remembered = threadTotals.get(thread);
        if (remembered != null) {
            return remembered;
        }
        Optional<TokenTotals> recorded = CodexHome.of(environment).threadTotals(thread);
        if (recorded.isEmpty()) {
            listener.activity(
                    "the earlier usage of Codex thread " + thread + " is unknown: this call's usage includes it");
        }
        return recorded.orElse(TokenTotals.ZERO);
    }

    private Pricing pricing() {
        Optional<String> model =
                config.model().or(() -> CodexHome.of(environment).model());
        return new Pricing(model, model.flatMap(config::price));
    }

    private static AgentResult failure(AgentTask task, ErrorClass errorClass, String message) {
        return new AgentResult(
                "", task.continueSession(), Usage.NONE, new AgentResult.Outcome.Failure(errorClass, message));
    }
}
