package dev.orchestrator.pipeline;

import dev.orchestrator.agent.Role;
import dev.orchestrator.config.Autonomy;
import dev.orchestrator.config.PhaseName;
import dev.orchestrator.config.PhasePattern;
import dev.orchestrator.contract.Answer;
import dev.orchestrator.contract.Architecture;
import dev.orchestrator.contract.Contract;
import dev.orchestrator.contract.ContractMarkdown;
import dev.orchestrator.contract.PlanItem;
import dev.orchestrator.contract.Question;
import dev.orchestrator.contract.Requirements;
import dev.orchestrator.contract.WorkPlan;
import dev.orchestrator.project.PhaseState;
import dev.orchestrator.project.PhaseStatus;
import dev.orchestrator.project.Project;
import dev.orchestrator.project.ProjectStatus;
import dev.orchestrator.work.NewWorkItem;
import dev.orchestrator.workspace.Git;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * One run of one project's pipeline, from its first incomplete step to the end or to a pause.
 * Completed phases and items are never run again; every transition is committed before it is
 * reported. A run begins by adopting the project's calls that earlier Orchestrators left running
 * ({@link Adoptions}): their agents are followed from that moment, and the steps they belong to
 * take their answers.
 *
 * <p>Runs on the project's own (virtual) thread, which owns the main checkout and {@code calls};
 * the implement phase's item threads and a swarm's member threads are given the {@link RunScope}
 * and use only its thread-safe parts.
 */
final class PipelineRun {
    private static final Logger log = LoggerFactory.getLogger(PipelineRun.class);

    private final PipelineServices services;
    private final Project project;
    private final Git git;
    private final StopSignal stop;
    private final AgentCalls calls;
    private final Adoptions adoptions;

    PipelineRun(PipelineServices services, Project project, StopSignal stop, Adoptions adoptions) {
        this.services = services;
        this.project = project;
        this.git = Git.at(project.workspace(), services.processes()::startTool);
        this.stop = stop;
        this.adoptions = adoptions;
        this.calls = new AgentCalls(services, project, git, stop, adoptions);
    }

    RunOutcome run() throws InterruptedException {
        try {
            return runPhases();
        } finally {
            endUntakenAdoptions();
        }
    }

    /**
     * Calls adopted at the start whose steps did not come up (an attempt or a setting changed
     * meanwhile) are over with the run: nothing would take their answers, so they are recorded as
     * interrupted (their agents ended, if still at work). Runs even when the run was interrupted.
     */
    private void endUntakenAdoptions() {
        boolean interrupted = Thread.interrupted();
        try {
            adoptions.endUntaken(project.id());
        } catch (InterruptedException e) {
            interrupted = true;
        } catch (RuntimeException e) {
            log.warn("project {}: ending the adopted calls no step took failed", project.id(), e);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private RunOutcome runPhases() throws InterruptedException {
        Optional<RepoRun> repoRun = services.store().repoRun(project.id());
        adoptEarlierCalls(repoRun);
        for (PhaseState state : services.store().phases(project.id())) {
            PhaseName phase = state.phase();
            if (state.status() == PhaseStatus.COMPLETED || state.status() == PhaseStatus.SKIPPED) {
                continue;
            }
            if (repoRun.isPresent() && phase != PhaseName.IMPLEMENT) {
                services.store().phaseSkipped(project.id(), phase, "run --milestone: the issue documents are the plan");
                continue;
            }
            if (!services.config().phase(phase).enabled()) {
                services.store().phaseSkipped(project.id(), phase, "disabled in the configuration");
                progress(phase, "skipped (disabled in the configuration)");
                continue;
            }
            if (services.config().autonomy() == Autonomy.FULL) {
                settleOpenDecisions(phase);
            }
            Optional<String> waitingFor = waitingFor(phase);
            if (waitingFor.isPresent()) {
                return waiting(phase, waitingFor.get());
            }
            RunOutcome outcome = runPhase(phase, state);
            if (outcome != null) {
                return outcome;
            }
        }
        services.store().projectCompleted(project.id());
        AgentCalls.forgetLane(services, project, AgentCalls.MAIN);
        progress(null, "project completed: " + project.workspace());
        return RunOutcome.COMPLETED;
    }

    /**
     * Follows the calls earlier Orchestrators left running (no live one owns this project: it was
     * claimed), from now on, before anything touches their folders.
     */
    private void adoptEarlierCalls(Optional<RepoRun> repoRun) {
        List<OpenSession> open = services.store().openSessions(project.id());
        if (open.isEmpty()) {
            return;
        }
        Path logRoot = repoRun.map(RepoRun::logRoot)
                .orElseGet(() -> project.workspace().resolve(".orchestrator/logs"));
        List<Adoptions.Adoption> adopted = adoptions.adopt(
                services,
                project,
                open,
                logRoot,
                session -> Optional.of(AgentCalls.stateDir(
                        project, AgentCalls.lane(session.phase(), session.itemKey(), session.cycle()))));
        long running = adopted.stream().filter(Adoptions.Adoption::wasRunning).count();
        progress(
                null,
                adopted.size() + (adopted.size() == 1 ? " agent call" : " agent calls")
                        + " left by an earlier Orchestrator: "
                        + String.join(
                                ", ",
                                adopted.stream()
                                        .map(a -> a.session().label()
                                                + (a.wasRunning() ? " (still running, followed)" : " (ended)"))
                                        .toList())
                        + (running == adopted.size()
                                ? ""
                                : "; an ended call's answer is taken from its log, or its session continued"));
    }

    /**
     * Full autonomy never pauses: a decision left open by an earlier run in checkpoint autonomy is
     * taken now, and recorded as taken by the orchestrator.
     */
    private void settleOpenDecisions(PhaseName phase) {
        for (Approval approval : services.store().pendingApprovals(project.id())) {
            if (approval.phase() != phase) {
                continue;
            }
            if (approval.kind() == Approval.Kind.PHASE) {
                services.store()
                        .decide(
                                approval.id(),
                                Approval.Status.APPROVED,
                                Optional.of("approved automatically (autonomy full)"));
            } else {
                services.store().decide(approval.id(), Approval.Status.RETRY, Optional.empty());
            }
            progress(phase, "autonomy full: took the open decision (" + approval.summary() + ")");
        }
        for (Clarification q : services.store().clarifications(project.id(), phase)) {
            if (!q.answered()) {
                String assumed =
                        q.options().isEmpty() ? "(no preference)" : q.options().getFirst();
                services.store().answer(q.id(), assumed, true);
                progress(phase, "assumed \"" + assumed + "\" for: " + q.question());
            }
        }
    }

    static boolean isPlanning(PhaseName phase) {
        return phase == PhaseName.IDEATION || phase == PhaseName.ARCHITECTURE || phase == PhaseName.TASK_BREAKDOWN;
    }

    /** The person's decision about this attempt of a phase, if one was asked for since it started. */
    private Optional<Approval> decisionOfThisAttempt(PhaseName phase, PhaseState state) {
        return services.store()
                .latestApproval(project.id(), phase)
                .filter(a -> a.kind() == Approval.Kind.PHASE)
                .filter(a -> state.startedAt().isPresent()
                        && !a.requestedAt().isBefore(state.startedAt().get()));
    }

    /** What the phase still waits for from the person, if anything. */
    private Optional<String> waitingFor(PhaseName phase) {
        Optional<Approval> pending = services.store().pendingApprovals(project.id()).stream()
                .filter(a -> a.phase() == phase)
                .findFirst();
        if (pending.isPresent()) {
            return Optional.of(
                    pending.get().kind() == Approval.Kind.PHASE
                            ? "approval of " + phase + ": /approve " + project.id() + " or /reject " + project.id()
                                    + " <feedback>"
                            : "a decision about " + pending.get().summary() + ": /approve " + project.id());
        }
        long open = services.store().clarifications(project.id(), phase).stream()
                .filter(q -> !q.answered())
                .count();
        if (open > 0) {
            return Optional.of(
                    "answers to " + open + (open == 1 ? " question" : " questions") + ": /answer " + project.id());
        }
        return Optional.empty();
    }

    private RunOutcome waiting(PhaseName phase, String what) {
        ProjectStatus status = what.startsWith("answers") ? ProjectStatus.CLARIFYING : ProjectStatus.WAITING_APPROVAL;
        if (services.projects().find(project.id()).map(Project::status).orElse(status) != status) {
            services.store().projectStatus(project.id(), status, "waiting for " + what);
        }
        services.listener().waiting(project.id(), what);
        return RunOutcome.WAITING;
    }

    private RunOutcome runPhase(PhaseName phase, PhaseState state) throws InterruptedException {
        if (stop.requested()) {
            services.store().projectStatus(project.id(), ProjectStatus.STOPPED, "stopped before " + phase);
            progress(phase, "stopped before it started; /resume " + project.id() + " carries on");
            return RunOutcome.STOPPED;
        }
        boolean resumed = state.status() == PhaseStatus.RUNNING || state.status() == PhaseStatus.WAITING;
        boolean reviewed = !isPlanning(phase)
                && services.config().autonomy() == Autonomy.CHECKPOINT
                && services.config().phase(phase).checkpoint();
        Optional<Approval> decision = reviewed && resumed ? decisionOfThisAttempt(phase, state) : Optional.empty();
        if (decision.filter(a -> a.status() == Approval.Status.APPROVED).isPresent()) {
            services.store().phaseCompleted(project.id(), phase, Map.of("approved", true));
            progress(phase, "completed (approved)");
            return null;
        }
        if (decision.filter(a -> a.status() == Approval.Status.REJECTED).isPresent()) {
            resumed = false; // a fresh attempt, with the person's feedback in its prompts
        }
        String head = git.ensureRepository();
        String start = resumed ? state.startCommit().orElse(head) : head;
        services.store().phaseStarted(project.id(), phase, start, resumed);
        progress(phase, resumed ? "resumed" : "started");
        int attempt = resumed ? Math.max(1, state.attempts()) : state.attempts() + 1;
        try {
            Map<String, Object> details = switch (phase) {
                case IDEATION -> planning(phase, Role.ANALYST, "ideation/requirements", Contract.REQUIREMENTS);
                case ARCHITECTURE ->
                    planning(phase, Role.ARCHITECT, "architecture/architecture", Contract.ARCHITECTURE);
                case TASK_BREAKDOWN -> planning(phase, Role.PLANNER, "task_breakdown/work-plan", Contract.WORK_PLAN);
                case INITIALIZE -> initialize(attempt, resumed);
                case IMPLEMENT -> implement();
                case TEST -> new TestRunner(scope()).run(attempt, resumed);
                case DEPLOY -> new DeployRunner(scope()).run(attempt);
            };
            if (details == null) {
                Optional<String> waitingFor = waitingFor(phase);
                return waiting(phase, waitingFor.orElse("the person"));
            }
            if (services.failAt().filter(phase::equals).isPresent()) {
                throw new PhaseFailure("failure injected after the phase's work (--fail-at-phase " + phase + ")");
            }
            if (reviewed) {
                services.store()
                        .requestApproval(
                                project.id(),
                                phase,
                                Approval.Kind.PHASE,
                                Optional.empty(),
                                phase + " is done" + summary(details) + ".");
                return waiting(phase, waitingFor(phase).orElse("approval of " + phase));
            }
            services.store().phaseCompleted(project.id(), phase, details);
            progress(phase, "completed" + summary(details));
            return null;
        } catch (PhaseFailure e) {
            return fail(phase, start, e.getMessage());
        } catch (AgentPause | MergePause e) {
            return paused(phase, e.getMessage());
        } catch (StopSignal.StopRequested e) {
            return interrupted(phase, e.getMessage());
        } catch (InterruptedException e) {
            interrupted(phase, "interrupted");
            throw e;
        }
    }

    /** Items in worktrees; a repository run lands them as its configuration says. */
    private Map<String, Object> implement() throws InterruptedException {
        Optional<RepoRun> repoRun = services.store().repoRun(project.id());
        if (repoRun.isEmpty()) {
            return new ItemRunner(scope()).run();
        }
        RepoRun repo = repoRun.get();
        AgentCalls logged = new AgentCalls(services, project, git, stop, adoptions, repo.logRoot());
        return new ItemRunner(
                        new RunScope(services, project, git, logged, stop, adoptions, this::context),
                        new ItemRunner.Settings(
                                repo.baseBranch(),
                                repo.merge(),
                                repo.testCommand(),
                                repo.logRoot(),
                                java.time.Duration.ofSeconds(1)))
                .run();
    }

    private RunScope scope() {
        return new RunScope(services, project, git, calls, stop, adoptions, this::context);
    }

    private RunOutcome fail(PhaseName phase, String start, String why) {
        // Implement works in the items' worktrees and merges each item as it passes: main has
        // nothing unfinished to roll back, and a person's uncommitted changes there stay.
        String target = phase == PhaseName.IMPLEMENT ? git.head() : start;
        Optional<String> rolledBack = Optional.empty();
        try {
            if (phase != PhaseName.IMPLEMENT) {
                git.resetTo(target);
            }
            rolledBack = Optional.of(target);
        } catch (RuntimeException e) {
            log.error("project {}: rolling {} back to {} failed", project.id(), phase, target, e);
            why = why + "; rolling the workspace back to " + shortSha(target) + " failed too: " + e.getMessage();
        }
        services.store().phaseFailed(project.id(), phase, why, rolledBack);
        progress(
                phase,
                "failed: " + why
                        + rolledBack
                                .map(c -> " (workspace rolled back to " + shortSha(c) + ")")
                                .orElse(""));
        return RunOutcome.FAILED;
    }

    /**
     * The pipeline cannot go on until the person acts (a login, a budget, an agent that keeps
     * failing, a merge blocked by their main checkout in a batch run): the project pauses with the
     * diagnosis, the phase stays where it is, and /resume carries on from the last finished step.
     */
    private RunOutcome paused(PhaseName phase, String why) {
        services.store().projectStatus(project.id(), ProjectStatus.PAUSED, why);
        progress(phase, "paused: " + why);
        services.listener().waiting(project.id(), "you: " + why);
        return RunOutcome.WAITING;
    }

    private RunOutcome interrupted(PhaseName phase, String why) {
        services.store().phaseInterrupted(project.id(), phase, why);
        progress(phase, "stopped (" + why + "); /resume " + project.id() + " carries on");
        return RunOutcome.STOPPED;
    }

    // ---- planning phases ----------------------------------------------------------------------

    /** @return the completion details, or null when the phase now waits for the person */
    private Map<String, Object> planning(PhaseName phase, Role role, String template, Contract contract)
            throws InterruptedException {
        Optional<String> candidate = services.store().candidate(project.id(), phase);
        Optional<Approval> approval = services.store().latestApproval(project.id(), phase);
        if (candidate.isEmpty() && services.config().phase(phase).pattern() == PhasePattern.SWARM) {
            new Swarm(scope(), phase, role, template, contract).run();
            candidate = Optional.of(services.store()
                    .candidate(project.id(), phase)
                    .orElseThrow(() -> new IllegalStateException("the swarm of " + phase + " stored no candidate")));
            approval = Optional.empty();
        } else if (candidate.isEmpty()) {
            Map<String, Object> context = context(phase, role);
            progress(phase, role.wireName() + " at work");
            var answer = calls.call(AgentCalls.Call.planning(role, phase, template, contract, context));
            candidate = Optional.of(answer.json());
            approval = Optional.empty();
        }
        JsonNode document = AgentCalls.JSON.readTree(candidate.get());
        if (askQuestions(phase, contract, document)) {
            return null;
        }
        boolean checkpoint = services.config().autonomy() == Autonomy.CHECKPOINT
                && services.config().phase(phase).checkpoint();
        if (checkpoint
                && approval.filter(a -> a.status() == Approval.Status.APPROVED).isEmpty()) {
            services.store()
                    .requestApproval(
                            project.id(), phase, Approval.Kind.PHASE, Optional.empty(), summary(contract, document));
            return null;
        }
        return finish(phase, contract, document);
    }

    /** Records new questions; true when the person must answer them first. */
    private boolean askQuestions(PhaseName phase, Contract contract, JsonNode document) {
        List<Question> questions = switch (contract) {
            case REQUIREMENTS -> Requirements.from(document).questions();
            case ARCHITECTURE -> Architecture.from(document).questions();
            default -> List.of();
        };
        List<Clarification> asked = services.store().clarifications(project.id(), phase);
        List<Clarification> fresh = questions.stream()
                .filter(q -> asked.stream().noneMatch(a -> a.key().equals(q.id())))
                .map(q -> new Clarification(0, phase, q.id(), q.question(), q.options(), Optional.empty(), false))
                .toList();
        if (fresh.isEmpty()) {
            return false;
        }
        // One round of questions per phase: questions in a re-run after answers are assumed, not asked.
        boolean assume = services.config().autonomy() == Autonomy.FULL || !asked.isEmpty();
        services.store().ask(project.id(), phase, fresh, assume);
        if (assume) {
            for (Clarification q : fresh) {
                progress(
                        phase,
                        "assumed \""
                                + (q.options().isEmpty()
                                        ? "(no preference)"
                                        : q.options().getFirst()) + "\" for: " + q.question());
            }
            return false;
        }
        return true;
    }

    private Map<String, Object> finish(PhaseName phase, Contract contract, JsonNode document) {
        String file = switch (contract) {
            case REQUIREMENTS -> "docs/requirements.md";
            case ARCHITECTURE -> "docs/architecture.md";
            default -> "docs/work-plan.md";
        };
        writeFile(file, ContractMarkdown.render(contract, document, answers()));
        Optional<String> commit = git.commitIfChanged(
                "docs: " + Path.of(file).getFileName().toString().replace(".md", ""));
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("document", file);
        commit.ifPresent(c -> details.put("commit", c));
        if (contract == Contract.WORK_PLAN) {
            List<NewWorkItem> items = new ArrayList<>();
            for (PlanItem item : WorkPlan.from(document).items()) {
                items.add(new NewWorkItem(
                        item.key(),
                        item.title(),
                        item.description(),
                        item.acceptance(),
                        item.dependsOn(),
                        item.priority()));
            }
            services.work().create(project.id(), items);
            details.put("items", items.size());
        }
        return details;
    }

    private Map<String, Object> initialize(int attempt, boolean resumed) throws InterruptedException {
        List<Step> done =
                resumed ? services.store().phaseSteps(project.id(), PhaseName.INITIALIZE, attempt) : List.of();
        if (done.isEmpty()) {
            if (adoptions.pending(project.id(), PhaseName.INITIALIZE, Optional.empty())) {
                // the scaffolding agent kept working while no Orchestrator watched: its work stays
                progress(PhaseName.INITIALIZE, "taking over the developer that kept scaffolding the project");
            } else {
                git.resetTo(git.head());
                progress(PhaseName.INITIALIZE, "developer scaffolding the project");
            }
            calls.call(AgentCalls.Call.phaseStep(
                    Role.DEVELOPER,
                    PhaseName.INITIALIZE,
                    "initialize/scaffold",
                    Contract.DEV_RESULT,
                    context(PhaseName.INITIALIZE, Role.DEVELOPER),
                    attempt,
                    0));
        } else {
            done.getLast().snapshot().ifPresent(snapshot -> git.restore(git.head(), snapshot));
        }
        Step step = services.store()
                .phaseSteps(project.id(), PhaseName.INITIALIZE, attempt)
                .getLast();
        var result = dev.orchestrator.contract.DevResult.from(AgentCalls.JSON.readTree(step.output()));
        if (result.status() == dev.orchestrator.contract.DevResult.Status.BLOCKED) {
            throw new PhaseFailure("the developer could not scaffold the project: "
                    + result.blocker().orElse(result.summary()));
        }
        Optional<String> commit = git.commitIfChanged("initialize: scaffold the project");
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("summary", result.summary());
        commit.ifPresent(c -> details.put("commit", c));
        return details;
    }

    // ---- shared -------------------------------------------------------------------------------

    /** The template context every prompt gets: the project, earlier outputs and the answers so far. */
    Map<String, Object> context(PhaseName phase, Role role) {
        Map<String, Object> context = new HashMap<>();
        context.put("project", Map.of("name", project.name(), "idea", project.idea()));
        context.put("phase", phase.toString());
        context.put("role", role.wireName());
        services.store()
                .latestApproval(project.id(), phase)
                .filter(a -> a.status() == Approval.Status.REJECTED)
                .flatMap(Approval::feedback)
                .ifPresent(feedback -> context.put("feedback", feedback));
        List<Answer> answers = answers();
        context.put(
                "answers",
                answers.stream()
                        .map(a -> Map.of("question", a.question(), "answer", a.answer(), "assumed", a.assumed()))
                        .toList());
        services.store()
                .output(project.id(), PhaseName.IDEATION)
                .ifPresent(json -> context.put(
                        "requirements",
                        Map.of(
                                "markdown",
                                ContractMarkdown.render(
                                        Contract.REQUIREMENTS, AgentCalls.JSON.readTree(json), List.of()),
                                "json",
                                json)));
        services.store().output(project.id(), PhaseName.ARCHITECTURE).ifPresent(json -> {
            JsonNode document = AgentCalls.JSON.readTree(json);
            var commands = Architecture.from(document).commands();
            context.put(
                    "architecture",
                    Map.of(
                            "markdown", ContractMarkdown.render(Contract.ARCHITECTURE, document, List.of()),
                            "json", json,
                            "commands",
                                    Map.of(
                                            "setup",
                                            commands.setup(),
                                            "build",
                                            commands.build(),
                                            "test",
                                            commands.test(),
                                            "run",
                                            commands.run())));
        });
        services.store()
                .output(project.id(), PhaseName.TASK_BREAKDOWN)
                .ifPresent(json -> context.put(
                        "plan",
                        Map.of(
                                "markdown",
                                ContractMarkdown.render(
                                        Contract.WORK_PLAN, AgentCalls.JSON.readTree(json), List.of()))));
        return context;
    }

    private List<Answer> answers() {
        List<Answer> answers = new ArrayList<>();
        for (PhaseName phase : List.of(PhaseName.IDEATION, PhaseName.ARCHITECTURE)) {
            for (Clarification q : services.store().clarifications(project.id(), phase)) {
                q.answer().ifPresent(a -> answers.add(new Answer(q.key(), q.question(), a, q.assumed())));
            }
        }
        return answers;
    }

    static String summary(Contract contract, JsonNode document) {
        return switch (contract) {
            case REQUIREMENTS -> {
                Requirements r = Requirements.from(document);
                long must = r.features().stream()
                        .filter(f -> f.priority().name().equals("MUST"))
                        .count();
                yield r.name() + ": " + r.features().size() + " features (" + must + " must), "
                        + r.constraints().size() + " constraints. " + r.summary();
            }
            case ARCHITECTURE -> {
                Architecture a = Architecture.from(document);
                yield a.stack().language()
                        + (a.stack().frameworks().isEmpty()
                                ? ""
                                : " with " + String.join(", ", a.stack().frameworks())) + "; "
                        + a.components().size() + " components; tests: "
                        + a.commands().test() + ". " + a.summary();
            }
            case WORK_PLAN -> {
                WorkPlan plan = WorkPlan.from(document);
                yield plan.items().size() + " work items: "
                        + String.join(
                                ", ",
                                plan.items().stream()
                                        .map(i -> i.key() + " " + i.title())
                                        .toList());
            }
            default -> contract.id();
        };
    }

    private void writeFile(String relative, String text) {
        Path file = project.workspace().resolve(relative);
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private void progress(PhaseName phase, String text) {
        services.listener().progress(project.id(), (phase == null ? "" : "[" + phase + "] ") + text);
    }

    private static String summary(Map<String, Object> details) {
        List<String> parts = new ArrayList<>();
        Optional.ofNullable(details.get("items")).ifPresent(items -> parts.add(items + " work items"));
        Optional.ofNullable(details.get("status")).ifPresent(status -> parts.add(String.valueOf(status)));
        Optional.ofNullable(details.get("url")).ifPresent(url -> parts.add(String.valueOf(url)));
        Optional.ofNullable(details.get("command")).ifPresent(command -> parts.add("tests: " + command));
        return parts.isEmpty() ? "" : " (" + String.join(", ", parts) + ")";
    }

    static String shortSha(String sha) {
        return sha.length() > 8 ? sha.substring(0, 8) : sha;
    }
}
