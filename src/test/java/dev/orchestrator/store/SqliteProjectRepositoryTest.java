package dev.orchestrator.store;

import static dev.orchestrator.store.generated.Tables.EVENTS;
import static dev.orchestrator.store.generated.Tables.WORK_ITEMS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.orchestrator.config.PhaseName;
import dev.orchestrator.project.NameTakenException;
import dev.orchestrator.project.NewProject;
import dev.orchestrator.project.Page;
import dev.orchestrator.project.PhaseState;
import dev.orchestrator.project.PhaseStatus;
import dev.orchestrator.project.Project;
import dev.orchestrator.project.ProjectId;
import dev.orchestrator.project.ProjectStatus;
import dev.orchestrator.project.ProjectSummary;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteProjectRepositoryTest {
    @TempDir
    Path dir;

    private final AtomicLong millis = new AtomicLong(1_700_000_000_000L);
    private final InstantSource clock = () -> Instant.ofEpochMilli(millis.getAndAdd(1000));
    private Database database;
    private SqliteProjectRepository projects;

    @BeforeEach
    void open() {
        database = Database.open(dir.resolve("orchestrator.db"), Database.Durability.NORMAL);
        projects = new SqliteProjectRepository(database, clock);
    }

    @AfterEach
    void close() {
        database.close();
    }

    private Project create(String name) {
        return projects.create(new NewProject(name, name.toLowerCase(), "idea for " + name, dir.resolve(name), "{}"));
    }

    @Test
    void create_recordsTheProjectItsPendingPhasesAndAnEvent() {
        Project project = create("todo-cli");

        assertThat(project.id()).isEqualTo(new ProjectId(1));
        assertThat(project.status()).isEqualTo(ProjectStatus.NOT_STARTED);
        assertThat(project.currentPhase()).isEmpty();
        assertThat(projects.find(project.id())).contains(project);
        assertThat(projects.phases(project.id()))
                .extracting(PhaseState::phase, PhaseState::status)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(PhaseName.IDEATION, PhaseStatus.PENDING),
                        org.assertj.core.groups.Tuple.tuple(PhaseName.ARCHITECTURE, PhaseStatus.PENDING),
                        org.assertj.core.groups.Tuple.tuple(PhaseName.TASK_BREAKDOWN, PhaseStatus.PENDING),
                        org.assertj.core.groups.Tuple.tuple(PhaseName.INITIALIZE, PhaseStatus.PENDING),
                        org.assertj.core.groups.Tuple.tuple(PhaseName.IMPLEMENT, PhaseStatus.PENDING),
                        org.assertj.core.groups.Tuple.tuple(PhaseName.TEST, PhaseStatus.PENDING),
                        org.assertj.core.groups.Tuple.tuple(PhaseName.DEPLOY, PhaseStatus.PENDING));
        assertThat(projects.recentEvents(project.id(), 10)).singleElement().satisfies(event -> {
            assertThat(event.type()).isEqualTo("project_created");
            assertThat(event.payload()).contains("\"name\":\"todo-cli\"");
        });
    }

    @Test
    void create_refusesATakenNameCaseInsensitivelyAndWritesNothing() {
        create("todo-cli");

        assertThatThrownBy(() -> projects.create(new NewProject("Todo-CLI", "other", "x", dir, "{}")))
                .isInstanceOf(NameTakenException.class);
        assertThatThrownBy(() -> projects.create(new NewProject("other", "todo-cli", "x", dir, "{}")))
                .isInstanceOf(NameTakenException.class);
        assertThat(projects.counts().total()).isEqualTo(1);
        int events = database.read(dsl -> dsl.fetchCount(EVENTS));
        assertThat(events).isEqualTo(1);
    }

    @Test
    void findByName_matchesNameOrSlugIgnoringCase() {
        Project project = projects.create(new NewProject("Todo CLI", "todo-cli", "x", dir, "{}"));

        assertThat(projects.findByName("todo cli")).contains(project);
        assertThat(projects.findByName("todo-cli")).contains(project);
        assertThat(projects.findByName("nope")).isEmpty();
    }

    @Test
    void list_pagesNewestFirstWithWorkItemProgress() {
        for (int i = 1; i <= 5; i++) {
            create("p" + i);
        }
        database.write(dsl -> {
            for (int i = 1; i <= 4; i++) {
                dsl.insertInto(WORK_ITEMS)
                        .set(WORK_ITEMS.PROJECT_ID, 5L)
                        .set(WORK_ITEMS.ITEM_KEY, "W" + i)
                        .set(WORK_ITEMS.TITLE, "item " + i)
                        .set(WORK_ITEMS.STATUS, i <= 3 ? "done" : "todo")
                        .set(WORK_ITEMS.CREATED_AT, Instant.EPOCH)
                        .set(WORK_ITEMS.UPDATED_AT, Instant.EPOCH)
                        .execute();
            }
            return null;
        });

        Page<ProjectSummary> first = projects.list(1, 2);
        assertThat(first.total()).isEqualTo(5);
        assertThat(first.pageCount()).isEqualTo(3);
        assertThat(first.items()).extracting(s -> s.project().name()).containsExactly("p5", "p4");
        assertThat(first.items().getFirst().itemsDone()).isEqualTo(3);
        assertThat(first.items().getFirst().itemsTotal()).isEqualTo(4);
        assertThat(first.items().get(1).itemsTotal()).isZero();

        Page<ProjectSummary> last = projects.list(3, 2);
        assertThat(last.items()).extracting(s -> s.project().name()).containsExactly("p1");
        assertThat(last.hasNext()).isFalse();
    }

    @Test
    void counts_groupByStatus() {
        create("a");
        create("b");

        assertThat(projects.counts().of(ProjectStatus.NOT_STARTED)).isEqualTo(2);
        assertThat(projects.counts().of(ProjectStatus.RUNNING)).isZero();
    }

    @Test
    void recent_isNewestFirstAndLimited() {
        create("a");
        create("b");
        create("c");

        List<Project> recent = projects.recent(2);
        assertThat(recent).extracting(Project::name).containsExactly("c", "b");
    }

    @Test
    void projects_surviveReopeningTheDatabase() {
        Project project = create("kept");
        database.close();

        database = Database.open(dir.resolve("orchestrator.db"), Database.Durability.NORMAL);
        projects = new SqliteProjectRepository(database, clock);
        assertThat(projects.find(project.id())).contains(project);
    }
}
