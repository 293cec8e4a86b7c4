package dev.orchestrator.app;

import dev.orchestrator.pipeline.Engine;
import dev.orchestrator.pipeline.PipelineListener;
import dev.orchestrator.pipeline.RunOutcome;
import dev.orchestrator.pipeline.Supervisor;
import dev.orchestrator.project.Project;
import dev.orchestrator.project.ProjectId;
import dev.orchestrator.project.ProjectService;
import dev.orchestrator.project.ProjectStatus;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.jline.utils.Signals;

/**
 * Non-interactive runs: a new project from an idea, or resumed projects, run to their end with
 * progress streamed as lines. The exit code says how it ended: 0 completed, 1 failed, 3 waiting for
 * a person (an approval, answers, or a pause such as a merge held up by the person's main checkout
 * for {@code phases.implement.merge_wait_seconds}), 130 interrupted (state saved); a SIGTERM stops
 * cleanly with 0.
 */
final class Batch {
    private final Engine engine;
    private final ProjectService projects;
    private final PrintWriter out;
    private final AtomicReference<String> signal = new AtomicReference<>();

    Batch(Engine engine, ProjectService projects, PrintWriter out) {
        this.engine = engine;
        this.projects = projects;
        this.out = out;
    }

    /** Creates a project from the idea and runs it to its end. */
    int generate(String idea) {
        String name = projects.suggestName(idea);
        Project project = projects.create(idea, name);
        say("created project " + project.id() + " " + project.name() + " in " + project.workspace());
        return run(List.of(project.id()));
    }

    /** Resumes one project, or every interrupted, stopped or paused one. */
    int resume(Optional<String> named) {
        List<ProjectId> ids = new ArrayList<>();
        if (named.isPresent()) {
            Project project = projects.resolve(named.get())
                    .orElseThrow(() -> new UsageException("no project is called or numbered '" + named.get()
                            + "'. orchestrator --status lists them."));
            ids.add(project.id());
        } else {
            ids.addAll(engine.supervisor().interrupted());
            for (Project project : projects.repository().recent(1_000)) {
                ProjectStatus status = project.status();
                if ((status == ProjectStatus.STOPPED
                                || status == ProjectStatus.PAUSED
                                || status == ProjectStatus.NOT_STARTED)
                        && !ids.contains(project.id())) {
                    ids.add(project.id());
                }
            }
            if (ids.isEmpty()) {
                say("nothing to resume: no project was interrupted or stopped.");
                return 0;
            }
        }
        List<Engine.KeptWorking> kept = engine.keptWorking().stream()
                .filter(k -> ids.contains(k.project()))
                .toList();
        if (!kept.isEmpty()) {
            say(Engine.describe(kept));
        }
        return run(ids);
    }

    /** Runs one existing project to its end (a repository run); the exit code as for --resume. */
    int run(ProjectId id) {
        return run(List.of(id));
    }

    private int run(List<ProjectId> ids) {
        PipelineListener listener = new PipelineListener() {
            @Override
            public void progress(ProjectId project, String line) {
                say(project + " " + line);
            }

            @Override
            public void waiting(ProjectId project, String what) {
                say(project + " [waiting] " + what);
            }
        };
        engine.listeners().add(listener);
        Object term = Signals.register("TERM", () -> stop("TERM"));
        Object interrupt = Signals.register("INT", () -> stop("INT"));
        try {
            Map<ProjectId, CompletableFuture<RunOutcome>> runs = new LinkedHashMap<>();
            Map<ProjectId, RunOutcome> outcomes = new LinkedHashMap<>();
            for (ProjectId id : ids) {
                switch (engine.supervisor().start(id)) {
                    case Supervisor.Start.Started started -> runs.put(id, started.done());
                    case Supervisor.Start.AlreadyRunning running -> runs.put(id, running.done());
                    case Supervisor.Start.AgentUnavailable unavailable -> {
                        say(id + " cannot run: " + unavailable.reason());
                        outcomes.put(id, RunOutcome.WAITING);
                    }
                    case Supervisor.Start.OwnedElsewhere elsewhere -> {
                        say(id + " is being run by another Orchestrator (" + elsewhere.owner()
                                + "), which is alive; not touching it.");
                        outcomes.put(id, RunOutcome.OWNED_ELSEWHERE);
                    }
                }
            }
            runs.forEach((id, done) -> outcomes.put(id, done.join()));
            return report(outcomes);
        } finally {
            Signals.unregister("TERM", term);
            Signals.unregister("INT", interrupt);
            engine.listeners().remove(listener);
        }
    }

    private void stop(String which) {
        if (!signal.compareAndSet(null, which)) {
            if (which.equals("INT")) {
                // a second Ctrl+C: the agents are not waited for any longer
                say("Ctrl+C again: ending the agents now");
                engine.supervisor().hurry();
            }
            return;
        }
        if (which.equals("INT")) {
            say("Ctrl+C: stopping gracefully (Ctrl+C again ends the agents at once)");
        }
        Duration grace =
                Duration.ofSeconds(engine.services().config().recovery().shutdownGraceSeconds());
        Thread.ofPlatform()
                .name("graceful-stop")
                .start(() -> engine.supervisor()
                        .stopAll(
                                grace,
                                this::say,
                                ids -> ids.size() == 1
                                        ? "to carry on: orchestrator --resume " + ids.getFirst()
                                        : "to carry on: orchestrator --resume (every stopped project)"));
    }

    private int report(Map<ProjectId, RunOutcome> outcomes) {
        int code = 0;
        for (Map.Entry<ProjectId, RunOutcome> entry : outcomes.entrySet()) {
            ProjectId id = entry.getKey();
            RunOutcome outcome = entry.getValue();
            Optional<ProjectStatus> stored = projects.repository().find(id).map(Project::status);
            String status = stored.map(ProjectStatus::wireName).orElse("?");
            // a pause's reason says what to do (a budget, a login, files in a merge's way)
            Optional<String> paused =
                    stored.filter(ProjectStatus.PAUSED::equals).flatMap(p -> engine.pauseReason(id));
            String next = switch (outcome) {
                case COMPLETED -> "completed; its workspace holds the result.";
                case FAILED ->
                    "failed (" + status + "); orchestrator --status " + id + " shows why, " + "orchestrator --resume "
                            + id + " tries again.";
                case WAITING ->
                    paused.map(reason -> "is paused: " + reason)
                            .orElse("is waiting for you (" + status + "): run orchestrator and use /approve " + id
                                    + ", /reject " + id + " or /answer " + id + "; or re-run with --autonomy full.");
                case STOPPED -> "stopped; everything is saved. orchestrator --resume " + id + " carries on.";
                case OWNED_ELSEWHERE -> "is run by another Orchestrator.";
            };
            say("project " + id + " " + next);
            code = worst(code, outcome);
        }
        if ("TERM".equals(signal.get()) && code == RunOutcome.STOPPED.exitCode()) {
            return 0;
        }
        return code;
    }

    /** The exit code of several runs: an interruption wins, then a failure, then waiting. */
    private static int worst(int code, RunOutcome outcome) {
        int next = outcome.exitCode();
        List<Integer> order = List.of(0, 3, 1, 130);
        return order.indexOf(next) > order.indexOf(code) ? next : code;
    }

    private void say(String line) {
        synchronized (out) {
            out.println(line);
            out.flush();
        }
    }
}
