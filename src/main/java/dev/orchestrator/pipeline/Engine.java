package dev.orchestrator.pipeline;

import dev.orchestrator.project.ProjectId;
import dev.orchestrator.work.WorkItem;
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

    @Override
    public void close() {
        supervisor.close();
    }
}
