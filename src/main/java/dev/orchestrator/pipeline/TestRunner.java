package dev.orchestrator.pipeline;

import dev.orchestrator.agent.Role;
import dev.orchestrator.config.PhaseName;
import dev.orchestrator.contract.Architecture;
import dev.orchestrator.contract.Contract;
import dev.orchestrator.process.Command;
import dev.orchestrator.process.CommandResult;
import dev.orchestrator.process.CommandRunner;
import dev.orchestrator.project.Project;
import dev.orchestrator.workspace.Git;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * The test phase: the engine itself runs the architecture's test command in the workspace (output
 * saved under the project's log folder); on failure a fixer gets the output and the tests run
 * again, at most {@code max_review_cycles} times. Each fix is committed once the fixer finishes.
 *
 * <p>Used by the project's pipeline thread only.
 */
final class TestRunner {
    private static final int OUTPUT_LINES = 80;

    private final PipelineServices services;
    private final Project project;
    private final Git git;
    private final AgentCalls calls;
    private final StopSignal stop;
    private final BiFunction<PhaseName, Role, Map<String, Object>> baseContext;
    private final RunScope scope;

    TestRunner(RunScope scope) {
        this.services = scope.services();
        this.project = scope.project();
        this.git = scope.git();
        this.calls = scope.calls();
        this.stop = scope.stop();
        this.baseContext = scope.context();
        this.scope = scope;
    }

    Map<String, Object> run(int attempt, boolean resumed) throws InterruptedException {
        Optional<String> command = services.store()
                .output(project.id(), PhaseName.ARCHITECTURE)
                .map(json -> Architecture.from(AgentCalls.JSON.readTree(json))
                        .commands()
                        .test())
                .filter(c -> !c.isBlank());
        if (command.isEmpty()) {
            throw new PhaseFailure(
                    "the architecture names no test command (commands.test), so there is nothing to run. "
                            + "Reject the architecture with feedback, or disable the test phase.");
        }
        int max = services.config().phase(PhaseName.TEST).maxReviewCycles();
        List<Step> fixes = resumed ? services.store().phaseSteps(project.id(), PhaseName.TEST, attempt) : List.of();
        int cycle = fixes.size();
        if (scope.adoptions().pending(project.id(), PhaseName.TEST, Optional.empty())) {
            // the fixer kept working while no Orchestrator watched: its work stays, and its answer
            // is taken as the next fix's, with the output of the test run it was fixing
            cycle++;
            progress("the fixer of cycle " + cycle + " kept working while Orchestrator was closed; taking its work");
            fix(command.get(), attempt, cycle, max, previousOutput(attempt, cycle));
        } else {
            git.resetTo(git.head());
            if (!fixes.isEmpty() && fixes.getLast().snapshot().isPresent()) {
                // The last fix finished but may not have been committed before the interruption.
                git.restore(git.head(), fixes.getLast().snapshot().get());
                git.commitIfChanged("test: fix failing tests (cycle " + cycle + ")");
            }
        }
        while (true) {
            stop.check();
            progress("running " + command.get());
            CommandResult result = runTests(command.get(), attempt, cycle);
            services.store()
                    .note(
                            project.id(),
                            "tests_run",
                            Map.of(
                                    "command", command.get(),
                                    "exit_code", result.exitCode(),
                                    "timed_out", result.timedOut(),
                                    "log", result.logFile().toString(),
                                    "millis", result.duration().toMillis()));
            if (result.exitCode() == 0 && !result.timedOut()) {
                progress("tests pass" + (cycle > 0 ? " after " + ItemWork.cycles(cycle) : ""));
                Map<String, Object> details = new LinkedHashMap<>();
                details.put("command", command.get());
                details.put("fix_cycles", cycle);
                details.put("log", result.logFile().toString());
                return details;
            }
            String verdict = result.timedOut()
                    ? "timed out after "
                            + services.config().phase(PhaseName.TEST).timeoutSeconds() + " s"
                    : "failed (exit " + result.exitCode() + ")";
            if (cycle >= max) {
                throw new PhaseFailure("the tests (" + command.get() + ") still " + verdict + " after " + cycle
                        + " fix cycles; the output is in " + result.logFile());
            }
            cycle++;
            progress("tests " + verdict + ", fixing (cycle " + cycle + "/" + max + ")");
            fix(command.get(), attempt, cycle, max, String.join("\n", tail(result.tail())));
        }
    }

    /** A fixer's call for one cycle, given the failing run's output, committed once it is done. */
    private void fix(String command, int attempt, int cycle, int max, String output) throws InterruptedException {
        Map<String, Object> context = new HashMap<>(baseContext.apply(PhaseName.TEST, Role.FIXER));
        context.put("test", Map.of("command", command, "output", output));
        context.put("cycle", cycle);
        context.put("maxCycles", max);
        calls.call(AgentCalls.Call.phaseStep(
                Role.FIXER, PhaseName.TEST, "test/fix", Contract.DEV_RESULT, context, attempt, cycle));
        git.commitIfChanged("test: fix failing tests (cycle " + cycle + ")");
    }

    /** The last lines of the test run that fix {@code cycle} was fixing, from its log. */
    private String previousOutput(int attempt, int cycle) {
        try {
            return String.join("\n", tail(Files.readAllLines(log(attempt, cycle - 1))));
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            return "(the output of the failing run is not at hand: " + e.getMessage() + ")";
        }
    }

    private Path log(int attempt, int cycle) {
        return project.workspace()
                .resolve(".orchestrator/logs/test/attempt-" + attempt + "-run-" + (cycle + 1) + ".log");
    }

    private CommandResult runTests(String command, int attempt, int cycle) throws InterruptedException {
        Path log = log(attempt, cycle);
        return new CommandRunner(services.processes())
                .run(
                        Command.of(
                                List.of("/bin/sh", "-c", command),
                                project.workspace(),
                                log,
                                Duration.ofSeconds(
                                        services.config().phase(PhaseName.TEST).timeoutSeconds())),
                        line -> {});
    }

    private static List<String> tail(List<String> lines) {
        return lines.subList(Math.max(0, lines.size() - OUTPUT_LINES), lines.size());
    }

    private void progress(String text) {
        services.listener().progress(project.id(), "[test] " + text);
    }
}
