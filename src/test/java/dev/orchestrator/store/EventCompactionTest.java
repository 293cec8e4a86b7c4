package dev.orchestrator.store;

import static dev.orchestrator.store.generated.Tables.EVENTS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.orchestrator.agent.Role;
import dev.orchestrator.agent.Usage;
import dev.orchestrator.config.PhaseName;
import dev.orchestrator.pipeline.NewSession;
import dev.orchestrator.pipeline.SessionEnd;
import dev.orchestrator.project.NewProject;
import dev.orchestrator.project.ProjectId;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventCompactionTest {
    @TempDir
    Path dir;

    private final AtomicLong millis = new AtomicLong(1_700_000_000_000L);
    private final InstantSource clock = () -> Instant.ofEpochMilli(millis.getAndAdd(1000));
    private Database database;
    private SqlitePipelineStore store;
    private ProjectId project;

    @BeforeEach
    void open() {
        database = Database.open(dir.resolve("orchestrator.db"), Database.Durability.NORMAL);
        store = new SqlitePipelineStore(database, clock);
        project = new SqliteProjectRepository(database, clock)
                .create(new NewProject("todo", "todo", "a todo list", dir.resolve("todo"), "{}"))
                .id();
    }

    @AfterEach
    void close() {
        database.close();
    }

    @Test
    void compact_dropsAFinishedProjectsAgentEventsAndKeepsItsTransitions() {
        ProjectId other = new SqliteProjectRepository(database, clock)
                .create(new NewProject("other", "other", "another idea", dir.resolve("other"), "{}"))
                .id();
        for (ProjectId id : List.of(project, other)) {
            store.phaseStarted(id, PhaseName.IDEATION, "sha", false);
            long session = store.sessionStarted(NewSession.of(
                    id, PhaseName.IDEATION, Optional.empty(), Role.ANALYST, "scripted", 1, 0, Optional.empty()));
            store.sessionEnded(
                    session,
                    new SessionEnd(
                            SessionEnd.Status.COMPLETED,
                            Optional.empty(),
                            Usage.NONE,
                            Optional.empty(),
                            Optional.empty(),
                            Optional.empty(),
                            Optional.empty(),
                            Optional.empty()),
                    Optional.empty());
            store.phaseCompleted(id, PhaseName.IDEATION, java.util.Map.of());
        }
        store.projectCompleted(project);

        var result = new EventCompaction(database).compact(Instant.ofEpochMilli(millis.get()));

        assertThat(result.removed()).isEqualTo(2);
        assertThat(types(project))
                .containsExactly("project_created", "phase_started", "phase_completed", "project_completed");
        assertThat(types(other))
                .containsExactly("project_created", "phase_started", "agent_started", "agent_ended", "phase_completed");
        assertThat(result.kept()).isEqualTo(9);
    }

    @Test
    void compact_leavesProjectsThatFinishedAfterTheCutOff() {
        store.projectCompleted(project);
        long session = store.sessionStarted(NewSession.of(
                project, PhaseName.IDEATION, Optional.empty(), Role.ANALYST, "scripted", 1, 0, Optional.empty()));
        assertThat(session).isPositive();

        var result = new EventCompaction(database).compact(Instant.ofEpochMilli(1_000));

        assertThat(result.removed()).isZero();
        assertThat(types(project)).contains("agent_started");
    }

    private List<String> types(ProjectId id) {
        return database.read(dsl -> dsl.select(EVENTS.TYPE)
                .from(EVENTS)
                .where(EVENTS.PROJECT_ID.eq(id.value()))
                .orderBy(EVENTS.ID)
                .fetch(EVENTS.TYPE));
    }
}
