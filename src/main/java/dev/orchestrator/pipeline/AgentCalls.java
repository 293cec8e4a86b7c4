package dev.orchestrator.pipeline;

import dev.orchestrator.agent.AgentResult;
import dev.orchestrator.agent.AgentTask;
import dev.orchestrator.agent.Role;
import dev.orchestrator.config.PhaseName;
import dev.orchestrator.contract.Contract;
import dev.orchestrator.contract.Validation;
import dev.orchestrator.project.Project;
import dev.orchestrator.workspace.Git;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One contract call to the agent, recorded as an agent session: render the prompt, run the agent,
 * take the answer's JSON, validate it, and ask for a repair with the validator's messages up to
 * {@code recovery.repair_attempts} times (continuing the same agent session when the agent can).
 *
 * <p>Used from the project's pipeline thread only.
 */
final class AgentCalls {
    static final JsonMapper JSON = JsonMapper.builder().build();

    private final PipelineServices services;
    private final Project project;
    private final Git git;
    private final StopSignal stop;
    private final AtomicReference<String> lastActivity = new AtomicReference<>("");

    /** What the call is about and where its result goes. */
    record Call(
            Role role,
            PhaseName phase,
            String template,
            Contract contract,
            Map<String, Object> context,
            Optional<Long> itemId,
            Optional<String> itemKey,
            int attempt,
            int cycle,
            boolean candidate,
            boolean snapshot) {}

    /** A validated answer and the work tree it left. */
    record Answer(JsonNode document, String json, Optional<String> snapshot) {}

    AgentCalls(PipelineServices services, Project project, Git git, StopSignal stop) {
        this.services = services;
        this.project = project;
        this.git = git;
        this.stop = stop;
    }

    String lastActivity() {
        return lastActivity.get();
    }

    Answer call(Call call) throws InterruptedException {
        Map<String, Object> context = new HashMap<>(call.context());
        context.put(
                "contract",
                Map.of(
                        "id",
                        call.contract().id(),
                        "schema",
                        services.contracts().schemaText(call.contract())));
        String original = services.prompts().render(call.template(), context);
        String prompt = original;
        Optional<String> session = Optional.empty();
        int repairs = services.config().recovery().repairAttempts();
        for (int repair = 0; ; repair++) {
            stop.check();
            long sessionId = services.store()
                    .sessionStarted(
                            project.id(),
                            call.phase(),
                            call.itemId(),
                            call.role(),
                            services.agent().name(),
                            call.attempt(),
                            call.cycle(),
                            Optional.of(call.contract()));
            AgentTask task = new AgentTask(
                    call.role(),
                    call.phase(),
                    call.itemKey(),
                    prompt,
                    project.workspace(),
                    Optional.of(call.contract()),
                    session,
                    Duration.ofSeconds(services.config().agent().timeouts().callSeconds()),
                    Duration.ofSeconds(services.config().recovery().stallSeconds()),
                    rawLog(call, sessionId));
            AgentResult result;
            try {
                result = services.agent().run(task, activity -> {
                    lastActivity.set(activity);
                    services.listener().progress(project.id(), "[" + call.phase() + "] " + label(call) + activity);
                });
            } catch (InterruptedException e) {
                services.store()
                        .sessionEnded(
                                sessionId,
                                end(SessionEnd.Status.INTERRUPTED, null, Optional.empty(), Optional.empty()),
                                Optional.empty());
                throw e;
            }
            if (result.outcome() instanceof AgentResult.Outcome.Failure failure) {
                services.store()
                        .sessionEnded(
                                sessionId,
                                new SessionEnd(
                                        SessionEnd.Status.FAILED,
                                        result.sessionId(),
                                        result.usage(),
                                        Optional.empty(),
                                        Optional.of(failure.errorClass()),
                                        Optional.of(failure.message()),
                                        Optional.empty(),
                                        Optional.of(lastActivity.get())),
                                Optional.empty());
                throw new PhaseFailure("the " + call.role().wireName() + " agent failed ("
                        + failure.errorClass().wireName() + "): " + failure.message());
            }
            Validation validation = services.contracts().validate(call.contract(), result.text());
            if (validation instanceof Validation.Valid valid) {
                String json = JSON.writeValueAsString(valid.document());
                Optional<String> snapshot = call.snapshot()
                        ? Optional.of(git.snapshot(
                                call.phase() + " " + label(call) + call.role().wireName()))
                        : Optional.empty();
                services.store()
                        .sessionEnded(
                                sessionId,
                                new SessionEnd(
                                        SessionEnd.Status.COMPLETED,
                                        result.sessionId(),
                                        result.usage(),
                                        Optional.of(json),
                                        Optional.empty(),
                                        Optional.empty(),
                                        snapshot,
                                        Optional.of(lastActivity.get())),
                                call.candidate() ? Optional.of(call.phase()) : Optional.empty());
                return new Answer(valid.document(), json, snapshot);
            }
            List<String> problems = ((Validation.Invalid) validation).problems();
            services.store()
                    .sessionEnded(
                            sessionId,
                            new SessionEnd(
                                    SessionEnd.Status.INVALID,
                                    result.sessionId(),
                                    result.usage(),
                                    Optional.empty(),
                                    Optional.of(dev.orchestrator.agent.ErrorClass.INVALID_OUTPUT),
                                    Optional.of(String.join("; ", problems)),
                                    Optional.empty(),
                                    Optional.of(lastActivity.get())),
                            Optional.empty());
            if (repair >= repairs) {
                throw new PhaseFailure("the " + call.role().wireName() + "'s answer did not match "
                        + call.contract().id()
                        + " after " + repairs + (repairs == 1 ? " repair: " : " repairs: ")
                        + String.join("; ", problems.subList(0, Math.min(3, problems.size()))));
            }
            services.listener()
                    .progress(
                            project.id(),
                            "[" + call.phase() + "] " + label(call) + "answer did not match "
                                    + call.contract().id()
                                    + " (" + problems.size() + (problems.size() == 1 ? " problem" : " problems")
                                    + "), asking for a repair (" + (repair + 1) + "/" + repairs + ")");
            Map<String, Object> repairContext = new HashMap<>(context);
            repairContext.put("problems", problems);
            String repairPrompt = services.prompts().render("common/repair", repairContext);
            if (services.agent().continuesSessions() && result.sessionId().isPresent()) {
                prompt = repairPrompt;
                session = result.sessionId();
            } else {
                prompt = original + "\n\n" + repairPrompt;
                session = Optional.empty();
            }
        }
    }

    private SessionEnd end(SessionEnd.Status status, String error, Optional<String> output, Optional<String> snapshot) {
        return new SessionEnd(
                status,
                Optional.empty(),
                dev.orchestrator.agent.Usage.NONE,
                output,
                Optional.empty(),
                Optional.ofNullable(error),
                snapshot,
                Optional.of(lastActivity.get()));
    }

    /** {@code <workspace>/.orchestrator/logs/<phase>/<item or role>-<role>-<session>.jsonl}. */
    private java.nio.file.Path rawLog(Call call, long sessionId) {
        String role = call.role().wireName();
        return project.workspace()
                .resolve(".orchestrator/logs")
                .resolve(call.phase().toString())
                .resolve(call.itemKey().map(key -> key + "-" + role).orElse(role) + "-" + sessionId + ".jsonl");
    }

    private static String label(Call call) {
        return call.itemKey().map(key -> key + " ").orElse("");
    }
}
