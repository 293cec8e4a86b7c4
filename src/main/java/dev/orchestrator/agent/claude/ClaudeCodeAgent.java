package dev.orchestrator.agent.claude;

import dev.orchestrator.agent.Agent;
import dev.orchestrator.agent.AgentListener;
import dev.orchestrator.agent.AgentResult;
import dev.orchestrator.agent.AgentStatus;
import dev.orchestrator.agent.AgentTask;
import dev.orchestrator.agent.ErrorClass;
import dev.orchestrator.agent.Usage;
import dev.orchestrator.config.AgentBackend;
import dev.orchestrator.config.AgentConfig;
import dev.orchestrator.process.AgentExit;
import dev.orchestrator.process.AgentProcess;
import dev.orchestrator.process.AgentRunner;
import dev.orchestrator.process.ChildProcesses;
import dev.orchestrator.process.Command;
import dev.orchestrator.process.CommandException;
import dev.orchestrator.process.CommandRunner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code claude-code} backend: runs {@code claude -p} in the task's folder with
 * {@code --output-format stream-json}, reports what it does as it happens, and turns its result
 * line into an {@link AgentResult}. Claude Code retries 429 and 529 itself (up to
 * {@code CLAUDE_CODE_MAX_RETRIES}, 10 by default, reporting each as {@code system/api_retry});
 * Orchestrator's own recovery works above that. The CLI runs detached ({@link AgentRunner}): its
 * output goes to a file that is followed, so it outlives a crash of Orchestrator and is adopted by
 * the next one.
 *
 * <p>Thread-safe: each call owns its process; the availability check is cached for a minute.
 */
public final class ClaudeCodeAgent implements Agent {
    /** Long enough for any line Claude Code prints (a Write of a large file is one line). */
    static final int MAX_LINE_CHARS = 8 * 1024 * 1024;

    private static final Duration CHECK_TTL = Duration.ofMinutes(1);

    private final String program;
    private final Optional<String> model;
    private final int maxTurns;
    private final Map<String, String> env;
    private final AgentRunner runner;
    private final ClaudeSetup setup;
    private volatile Checked checked;

    private record Checked(long atNanos, ClaudeSetup.Check check) {}

    public ClaudeCodeAgent(AgentConfig config, ChildProcesses processes) {
        this.program = config.command().orElse(AgentBackend.CLAUDE_CODE.defaultCommand());
        this.model = config.model();
        this.maxTurns = config.maxTurns();
        this.env = config.env();
        this.runner = new AgentRunner(processes);
        Map<String, String> environment = new HashMap<>(System.getenv());
        environment.putAll(env);
        this.setup = new ClaudeSetup(program, environment, new CommandRunner(processes));
    }

    @Override
    public String name() {
        return AgentBackend.CLAUDE_CODE.toString();
    }

    @Override
    public boolean continuesSessions() {
        return true;
    }

    @Override
    public Optional<String> unavailable() {
        return check().problem();
    }

    @Override
    public AgentStatus status() {
        ClaudeSetup.Check check = check();
        return new AgentStatus(name(), program, check.version(), model, check.problem());
    }

    /** Synchronized: a start-up warm-up and the first caller share one check, not two processes. */
    private synchronized ClaudeSetup.Check check() {
        Checked last = checked;
        if (last != null && System.nanoTime() - last.atNanos() < CHECK_TTL.toNanos()) {
            return last.check();
        }
        ClaudeSetup.Check check;
        try {
            check = setup.check();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new ClaudeSetup.Check(Optional.empty(), Optional.of("the check of Claude Code was interrupted"));
        }
        checked = new Checked(System.nanoTime(), check);
        return check;
    }

    @Override
    public AgentResult run(AgentTask task, AgentListener listener) throws InterruptedException {
        Command command = command(task);
        ClaudeRun run = new ClaudeRun(task.workDir(), listener);
        AgentExit exit;
        try {
            exit = runner.run(command, task.token(), listener::started, lines(run, listener));
        } catch (CommandException e) {
            // a program that is there but cannot start (not executable, say) is no missing binary
            AgentResult.Outcome.Failure failure = setup.locate().isEmpty()
                    ? new AgentResult.Outcome.Failure(
                            ErrorClass.MISSING_BINARY, e.getMessage() + " " + Outcomes.INSTALL_FIX)
                    : new AgentResult.Outcome.Failure(ErrorClass.CRASH, e.getMessage());
            return new AgentResult("", Optional.empty(), Usage.NONE, failure);
        }
        return result(run, exit, task);
    }

    @Override
    public AgentResult adopt(AgentTask task, AgentProcess process, long seenUpTo, AgentListener listener)
            throws InterruptedException {
        ClaudeRun run = new ClaudeRun(task.workDir(), listener);
        AgentExit exit = runner.adopt(process, command(task), seenUpTo, lines(run, listener));
        return result(run, exit, task);
    }

    /** Whether the output holds the result line Claude Code prints last. */
    @Override
    public boolean answered(Path output) {
        try (var lines = Files.lines(output, StandardCharsets.UTF_8)) {
            return lines.filter(line -> line.contains("\"type\":\"result\""))
                    .anyMatch(line -> StreamJson.parse(line).stream().anyMatch(e -> e instanceof ClaudeEvent.Result));
        } catch (IOException | java.io.UncheckedIOException e) {
            return false;
        }
    }

    private Command command(AgentTask task) {
        return Command.of(
                        ClaudeCommand.arguments(
                                setup.locate().map(Path::toString).orElse(program), model, maxTurns, task),
                        task.workDir(),
                        task.logFile(),
                        task.timeout())
                .withEnvironment(env)
                .withStallTimeout(task.stall())
                .withMaxLineChars(MAX_LINE_CHARS)
                .withInput(task.prompt());
    }

    private static AgentRunner.Lines lines(ClaudeRun run, AgentListener listener) {
        return AgentRunner.Lines.of(run::accept, listener::read);
    }

    private static AgentResult result(ClaudeRun run, AgentExit exit, AgentTask task) {
        return new AgentResult(
                run.text(),
                run.sessionId().or(task::continueSession),
                run.usage(),
                Outcomes.of(run, exit, task.stall(), task.timeout()));
    }
}
