package dev.orchestrator.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orchestrator.config.PhaseName;
import dev.orchestrator.project.PhaseState;
import dev.orchestrator.project.Project;
import dev.orchestrator.project.ProjectStatus;
import dev.orchestrator.work.WorkItem;
import dev.orchestrator.workspace.Git;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** What the pipeline behaviour tests share: running a project to its next stop, and reading what it left. */
final class Runs {
    static final Duration WAIT = Duration.ofSeconds(30);

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private Runs() {}

    /** Starts the project's pipeline, which must not be running or owned elsewhere. */
    static CompletableFuture<RunOutcome> begin(TestEngine t, Project project) {
        Supervisor.Start start = t.engine.supervisor().start(project.id());
        assertThat(start).isInstanceOf(Supervisor.Start.Started.class);
        return ((Supervisor.Start.Started) start).done();
    }

    /** Runs the project's pipeline to its next stop: completed, waiting, failed or stopped. */
    static RunOutcome run(TestEngine t, Project project) throws Exception {
        return begin(t, project).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    static ProjectStatus status(TestEngine t, Project project) {
        return t.service.repository().find(project.id()).orElseThrow().status();
    }

    static PhaseState phase(TestEngine t, Project project, PhaseName phase) {
        return t.engine.store().phases(project.id()).stream()
                .filter(p -> p.phase() == phase)
                .findFirst()
                .orElseThrow();
    }

    static WorkItem item(TestEngine t, Project project, String key) {
        return t.engine.items(project.id()).stream()
                .filter(i -> i.key().equals(key))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no work item " + key));
    }

    static Git git(Project project) {
        return Git.at(project.workspace());
    }

    /** Commit subjects, oldest first. */
    static List<String> commits(Project project) {
        return git(project).log(100).reversed();
    }

    /** The progress lines so far, one per line, to explain a failed assertion. */
    static String progress(TestEngine t) {
        synchronized (t.progress) {
            return String.join("\n", t.progress);
        }
    }

    static JsonNode export(TestEngine t, Project project) {
        return JSON.readTree(t.engine.export(project.id()).orElseThrow());
    }

    /** The payloads of the project's events of one type, oldest first. */
    static List<JsonNode> events(TestEngine t, Project project, String type) {
        List<JsonNode> payloads = new ArrayList<>();
        for (JsonNode event : export(t, project).path("events")) {
            if (event.path("type").asString().equals(type)) {
                payloads.add(event.path("payload"));
            }
        }
        return payloads;
    }

    /** The project's agent sessions (one per call), oldest first. */
    static List<JsonNode> sessions(TestEngine t, Project project) {
        List<JsonNode> sessions = new ArrayList<>();
        export(t, project).path("agent_sessions").forEach(sessions::add);
        return sessions;
    }

    /** The details a phase recorded when it completed (its last phase_completed event). */
    static JsonNode completion(TestEngine t, Project project, PhaseName phase) {
        return events(t, project, "phase_completed").stream()
                .filter(e -> e.path("phase").asString().equals(phase.toString()))
                .reduce((first, second) -> second)
                .orElseThrow(() -> new AssertionError("phase " + phase + " never completed:\n" + progress(t)));
    }
}
