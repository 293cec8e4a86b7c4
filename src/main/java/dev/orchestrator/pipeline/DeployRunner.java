package dev.orchestrator.pipeline;

import dev.orchestrator.agent.Role;
import dev.orchestrator.config.PhaseName;
import dev.orchestrator.contract.Contract;
import dev.orchestrator.contract.DeployResult;
import dev.orchestrator.process.Command;
import dev.orchestrator.process.CommandResult;
import dev.orchestrator.process.CommandRunner;
import dev.orchestrator.project.Project;
import dev.orchestrator.workspace.Git;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The deploy phase: runs {@code deploy.command} when configured, recording the first URL it
 * prints; otherwise asks a deployer agent for a {@code deploy.v1} answer.
 */
final class DeployRunner {
    /** A URL, without the punctuation of a sentence it ends ("see https://x.test/app)."). */
    private static final Pattern URL = Pattern.compile("https?://[^\\s\"'<>]*[^\\s\"'<>.,;:!?)\\]}]");

    private final PipelineServices services;
    private final Project project;
    private final Git git;
    private final AgentCalls calls;
    private final BiFunction<PhaseName, Role, Map<String, Object>> baseContext;

    DeployRunner(RunScope scope) {
        this.services = scope.services();
        this.project = scope.project();
        this.git = scope.git();
        this.calls = scope.calls();
        this.baseContext = scope.context();
    }

    Map<String, Object> run(int attempt) throws InterruptedException {
        Map<String, Object> details = new LinkedHashMap<>();
        Optional<String> command = services.config().deploy().command();
        if (command.isPresent()) {
            AtomicReference<String> url = new AtomicReference<>();
            progress("running " + command.get());
            CommandResult result = new CommandRunner(services.processes())
                    .run(
                            Command.of(
                                    List.of("/bin/sh", "-c", command.get()),
                                    project.workspace(),
                                    project.workspace()
                                            .resolve(".orchestrator/logs/deploy/attempt-" + attempt + ".log"),
                                    Duration.ofSeconds(
                                            services.config().deploy().timeoutSeconds())),
                            line -> {
                                Matcher m = URL.matcher(line);
                                if (url.get() == null && m.find()) {
                                    url.set(m.group());
                                }
                            });
            if (result.exitCode() != 0 || result.timedOut()) {
                throw new PhaseFailure("the deploy command (" + command.get() + ") "
                        + (result.timedOut() ? "timed out" : "failed with exit code " + result.exitCode())
                        + "; the output is in " + result.logFile());
            }
            details.put("status", "deployed");
            Optional.ofNullable(url.get()).ifPresent(u -> details.put("url", u));
            progress("deployed"
                    + Optional.ofNullable(url.get()).map(u -> " at " + u).orElse(""));
            return details;
        }
        progress("deployer at work");
        var answer = calls.call(AgentCalls.Call.phaseStep(
                Role.DEPLOYER,
                PhaseName.DEPLOY,
                "deploy/deploy",
                Contract.DEPLOY,
                baseContext.apply(PhaseName.DEPLOY, Role.DEPLOYER),
                attempt,
                0));
        DeployResult result = DeployResult.from(answer.document());
        if (result.status() == DeployResult.Status.FAILED) {
            throw new PhaseFailure("the deployer could not deploy: " + result.notes());
        }
        git.commitIfChanged("deploy: " + result.status().name().toLowerCase(java.util.Locale.ROOT));
        details.put("status", result.status().name().toLowerCase(java.util.Locale.ROOT));
        result.url().ifPresent(u -> details.put("url", u));
        details.put("notes", result.notes());
        progress(result.status().name().toLowerCase(java.util.Locale.ROOT)
                + result.url().map(u -> " at " + u).orElse(""));
        return details;
    }

    private void progress(String text) {
        services.listener().progress(project.id(), "[deploy] " + text);
    }
}
