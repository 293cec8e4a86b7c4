package dev.orchestrator.pipeline;

import dev.orchestrator.project.NewProject;
import dev.orchestrator.project.Project;
import dev.orchestrator.project.ProjectId;
import dev.orchestrator.project.Slugs;
import dev.orchestrator.work.NewWorkItem;
import dev.orchestrator.work.WorkItem;
import dev.orchestrator.work.WorkItemStatus;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The pipeline as the REPL and the command line see it: start, stop and resume projects, hear
 * their progress, and record the person's decisions.
 */
public final class Engine implements AutoCloseable {
    private final PipelineServices services;
    private final Listeners listeners;
    private final Supervisor supervisor;
    private final Decisions decisions;
    private final Function<ProjectId, Optional<String>> exporter;

    /**
     * @param listeners the same broadcaster the services report to
     * @param exporter a project's whole state as JSON
     */
    public Engine(PipelineServices services, Listeners listeners, Function<ProjectId, Optional<String>> exporter) {
        this.services = services;
        this.listeners = listeners;
        this.exporter = exporter;
        this.supervisor = new Supervisor(services);
        this.decisions = new Decisions(services);
    }

    public Supervisor supervisor() {
        return supervisor;
    }

    public Decisions decisions() {
        return decisions;
    }

    public Listeners listeners() {
        return listeners;
    }

    /** Why the project paused (a login, a budget, an agent that gave up), from its last pause. */
    public Optional<String> pauseReason(ProjectId project) {
        return services.projects().recentEvents(project, 20).stream()
                .filter(e -> e.type().equals("project_paused"))
                .findFirst()
                .map(e -> AgentCalls.JSON.readTree(e.payload()).path("reason").asString(""))
                .filter(reason -> !reason.isBlank());
    }

    /** An agent that kept working while no Orchestrator watched it: still running, or finished with an answer. */
    public record KeptWorking(ProjectId project, String label, boolean running) {}

    /**
     * The agents of projects nobody runs now (their Orchestrator died, was killed or detached) that
     * kept working meanwhile: still running, or ended with an answer in their output. Resuming
     * those projects adopts them.
     */
    public List<KeptWorking> keptWorking() {
        List<KeptWorking> kept = new java.util.ArrayList<>();
        for (ProjectId id : supervisor.interrupted()) {
            for (OpenSession session : services.store().openSessions(id)) {
                if (session.logFile().isEmpty()) {
                    continue;
                }
                Optional<dev.orchestrator.process.AgentProcess> process =
                        session.process(session.logFile().get());
                if (process.isEmpty()) {
                    continue;
                }
                if (process.get().running()) {
                    kept.add(new KeptWorking(id, session.label(), true));
                } else if (services.backend(session.runner())
                        .filter(agent -> agent.answered(process.get().output()))
                        .isPresent()) {
                    kept.add(new KeptWorking(id, session.label(), false));
                }
            }
        }
        return kept;
    }

    /**
     * {@code 2 agents kept working while Orchestrator was closed: W1 developer (finished, adopted),
     * W3 reviewer (still running, followed)}; the project is named when there are several.
     */
    public static String describe(List<KeptWorking> kept) {
        boolean several = kept.stream().map(KeptWorking::project).distinct().count() > 1;
        return kept.size() + (kept.size() == 1 ? " agent" : " agents") + " kept working while Orchestrator was closed: "
                + String.join(
                        ", ",
                        kept.stream()
                                .map(k -> (several ? "project " + k.project() + " " : "")
                                        + k.label()
                                        + (k.running() ? " (still running, followed)" : " (finished, adopted)"))
                                .toList());
    }

    /**
     * The calls running in the projects this process runs, as {@code /detach} leaves them: their
     * agents go on, and the next start adopts them.
     */
    public List<String> detach() {
        List<String> working = new java.util.ArrayList<>();
        boolean several = supervisor.runningProjects().size() > 1;
        for (ProjectId id : supervisor.runningProjects()) {
            for (OpenSession session : services.store().openSessions(id)) {
                if (session.pid().isPresent()) {
                    working.add((several ? "project " + id + " " : "") + session.label());
                }
            }
        }
        services.processes().freeze();
        // git and test commands in flight finish first: cut off, a commit leaves its lock behind
        services.processes().awaitCommands(java.time.Duration.ofSeconds(5));
        return working;
    }

    /** What agent calls cost, and the limits a person set. */
    public AgentLedger ledger() {
        return services.ledger();
    }

    public PipelineStore store() {
        return services.store();
    }

    public PipelineServices services() {
        return services;
    }

    /** The backend agents come from, e.g. {@code scripted}. */
    public String agentName() {
        return services.agent().name();
    }

    /** The project's whole state as one JSON document; empty when there is no such project. */
    public Optional<String> export(ProjectId project) {
        return exporter.apply(project);
    }

    public List<WorkItem> items(ProjectId project) {
        return services.work().items(project);
    }

    /**
     * The project of a run over an existing repository: the one recorded for the same repository,
     * milestone and issue filter (so running the same command again resumes it), else a new one
     * named {@code name} (with a number added when that name is taken). Its work items are the
     * issues given, unless some of them have started already: then the recorded ones stay.
     */
    public Project openRepoRun(RepoRun run, String name, String idea, List<NewWorkItem> issues, String config) {
        Optional<ProjectId> existing = services.store().findRepoRun(run.repo(), run.milestone(), run.issue());
        Project project;
        if (existing.isPresent()) {
            project = services.projects().find(existing.get()).orElseThrow();
        } else {
            String unique = name;
            for (int n = 2; services.projects().isTaken(unique, Slugs.of(unique)); n++) {
                unique = name + "-" + n;
            }
            project = services.projects().create(new NewProject(unique, Slugs.of(unique), idea, run.repo(), config));
        }
        services.store().recordRepoRun(project.id(), run);
        boolean started = services.work().items(project.id()).stream().anyMatch(i -> i.status() != WorkItemStatus.TODO);
        if (!started) {
            services.work().create(project.id(), issues);
        }
        return project;
    }

    @Override
    public void close() {
        supervisor.close();
    }
}
