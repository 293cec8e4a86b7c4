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
import dev.orchestrator.process.AgentExit;
import dev.orchestrator.process.AgentProcess;
import dev.orchestrator.process.AgentRunner;
import dev.orchestrator.process.ChildProcesses;
import dev.orchestrator.process.Command;
import dev.orchestrator.process.CommandException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
 * <p>Calls running at once never share Codex's state: a task with a {@link AgentTask#stateDir
 * state folder} (every call Orchestrator makes has one per work item, swarm member or project)
 * runs with {@code CODEX_HOME} there, seeded from the person's (config.toml and instructions
 * copied, auth.json linked) and removed by {@link #forget} when its line of calls ends. Codex keeps
 * its threads, history and logs per {@code CODEX_HOME}, and its own tracker reports races on a
 * shared one and threads restored into each other.
 *
 * <p>The CLI runs detached ({@link AgentRunner}): a call outlives a crash of Orchestrator and is
 * adopted by the next one, whose usage is the thread's totals at the end less those its session
 * file recorded before the process started.
 *
 * <p>Thread-safe: calls share only the map of thread totals and the cached status.
 */
public final class CodexAgent implements Agent {
    private static final int MAX_LINE_CHARS = 4 * 1024 * 1024;
    private static final long STATUS_TTL_NANOS = Duration.ofSeconds(30).toNanos();

    private final AgentConfig config;
    private final Map<String, String> environment;
    private final CodexInstallation installation;
    private final AgentRunner runner;
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
        this.runner = new AgentRunner(processes);
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
    public synchronized AgentStatus status() {
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
        CodexHome home;
        try {
            home = home(task);
        } catch (IOException e) {
            return failure(
                    task,
                    ErrorClass.CRASH,
                    "cannot prepare Codex's folder for this call in "
                            + task.stateDir().orElseThrow() + ": " + e.getMessage()
                            + ". Check that the disk has space and the folder is writable.");
        }
        TokenTotals before = task.continueSession()
                .map(thread -> totalsBefore(home, thread, listener))
                .orElse(TokenTotals.ZERO);
        CodexRun run = new CodexRun(listener, task.workDir(), before, pricing(home));
        AgentExit exit;
        try {
            exit = runner.run(
                    command(program.get(), task, home), task.token(), listener::started, lines(run, listener));
        } catch (CommandException e) {
            return failure(
                    task,
                    installation.program().isEmpty() ? ErrorClass.MISSING_BINARY : ErrorClass.CRASH,
                    installation.program().isEmpty() ? installation.missingProgram() : e.getMessage());
        }
        run.threadId().ifPresent(thread -> run.threadTotals().ifPresent(totals -> threadTotals.put(thread, totals)));
        return run.result(exit, task.stall());
    }

    @Override
    public AgentResult adopt(AgentTask task, AgentProcess process, long seenUpTo, AgentListener listener)
            throws InterruptedException {
        // the folder run() seeded for the call's lane, where its thread's session file is
        CodexHome home =
                task.stateDir().map(dir -> new CodexHome(codexFolder(dir))).orElseGet(() -> CodexHome.of(environment));
        // Codex counts a thread's tokens from its start: the count before this call is the one its
        // session file recorded before the process started (none, for a thread the call began)
        TokenTotals before = task.continueSession()
                .flatMap(thread -> process.startedAt().flatMap(at -> home.threadTotalsBefore(thread, at)))
                .orElse(TokenTotals.ZERO);
        CodexRun run = new CodexRun(listener, task.workDir(), before, pricing(home));
        Path program =
                installation.program().orElse(Path.of(config.effectiveCommand().orElse("codex")));
        AgentExit exit = runner.adopt(process, command(program, task, home), seenUpTo, lines(run, listener));
        run.threadId().ifPresent(thread -> run.threadTotals().ifPresent(totals -> threadTotals.put(thread, totals)));
        return run.result(exit, task.stall());
    }

    /** Whether the output holds the end of Codex's turn: {@code turn.completed} with a message, or {@code turn.failed}. */
    @Override
    public boolean answered(Path output) {
        CodexRun run = new CodexRun(AgentListener.NONE, Path.of(""), TokenTotals.ZERO, Pricing.NONE);
        try (var lines = Files.lines(output, StandardCharsets.UTF_8)) {
            lines.forEach(line -> run.accept(line, true));
        } catch (IOException | java.io.UncheckedIOException e) {
            return false;
        }
        return run.turnEnded();
    }

    /**
     * Ends a line of calls (a work item merged or set aside, a swarm done): its Codex folder goes,
     * after a login the CLI refreshed there is copied back to the person's.
     */
    @Override
    public void forget(Path stateDir) {
        try {
            CodexHome.cleanUp(new CodexHome(codexFolder(stateDir)), CodexHome.of(environment));
        } catch (IOException e) {
            org.slf4j.LoggerFactory.getLogger(CodexAgent.class)
                    .warn("cannot remove Codex's folder in {}: {}", stateDir, e.toString());
        }
    }

    /** The task's own Codex folder (seeded on first use), or the person's when it has none. */
    private CodexHome home(AgentTask task) throws IOException {
        if (task.stateDir().isEmpty()) {
            return CodexHome.of(environment);
        }
        return CodexHome.of(environment).seed(codexFolder(task.stateDir().get()));
    }

    private static Path codexFolder(Path stateDir) {
        return stateDir.resolve("codex-home");
    }

    private Command command(Path program, AgentTask task, CodexHome home) {
        Map<String, String> env = new HashMap<>(config.env());
        env.put("CODEX_HOME", home.folder().toString());
        return Command.of(arguments(program.toString(), task), task.workDir(), task.logFile(), task.timeout())
                .withEnvironment(env)
                .withStallTimeout(task.stall())
                .withMaxLineChars(MAX_LINE_CHARS)
                .withInput(task.prompt());
    }

    private static AgentRunner.Lines lines(CodexRun run, AgentListener listener) {
        return AgentRunner.Lines.of(run::accept, listener::read);
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

    private TokenTotals totalsBefore(CodexHome home, String thread, AgentListener listener) {
        TokenTotals remembered = threadTotals.get(thread);
        if (remembered != null) {
            return remembered;
        }
        Optional<TokenTotals> recorded = home.threadTotals(thread);
        if (recorded.isEmpty()) {
            listener.activity(
                    "the earlier usage of Codex thread " + thread + " is unknown: this call's usage includes it");
        }
        return recorded.orElse(TokenTotals.ZERO);
    }

    private Pricing pricing(CodexHome home) {
        Optional<String> model = config.model().or(home::model);
        return new Pricing(model, model.flatMap(config::price));
    }

    private static AgentResult failure(AgentTask task, ErrorClass errorClass, String message) {
        return new AgentResult(
                "", task.continueSession(), Usage.NONE, new AgentResult.Outcome.Failure(errorClass, message));
    }
}
