package dev.orchestrator.store;

import static dev.orchestrator.store.generated.Tables.AGENT_SESSIONS;
import static dev.orchestrator.store.generated.Tables.EVENTS;
import static dev.orchestrator.store.generated.Tables.WORK_ITEM_DEPENDENCIES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.orchestrator.agent.ErrorClass;
import dev.orchestrator.agent.Role;
import dev.orchestrator.agent.Usage;
import dev.orchestrator.config.PhaseName;
import dev.orchestrator.contract.Contract;
import dev.orchestrator.pipeline.NewSession;
import dev.orchestrator.pipeline.SessionEnd;
import dev.orchestrator.pipeline.Step;
import dev.orchestrator.project.NewProject;
import dev.orchestrator.project.ProjectId;
import dev.orchestrator.work.NewWorkItem;
import dev.orchestrator.work.WorkItem;
import dev.orchestrator.work.WorkItemStatus;
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

/** The transitions made for every agent call and work item, which are single statements. */
class StoreTransitionsTest {
    @TempDir
    Path dir;

    private final AtomicLong millis = new AtomicLong(1_700_000_000_000L);
    private final InstantSource clock = () -> Instant.ofEpochMilli(millis.getAndAdd(1000));
    private Database database;
    private SqlitePipelineStore store;
    private SqliteWorkTracker work;
    private ProjectId project;

    @BeforeEach
    void open() {
        database = Database.open(dir.resolve("orchestrator.db"), Database.Durability.NORMAL);
        store = new SqlitePipelineStore(database, clock);
        work = new SqliteWorkTracker(database, clock);
        project = new SqliteProjectRepository(database, clock)
                .create(new NewProject("todo", "todo", "a todo list", dir.resolve("todo"), "{}"))
                .id();
    }

    @AfterEach
    void close() {
        database.close();
    }

    private static NewWorkItem item(String key, String... dependsOn) {
        return new NewWorkItem(key, "Item " + key, "does " + key, List.of("it works"), List.of(dependsOn), 2);
    }

    @Test
    void create_recordsEveryItemWithItsDependenciesAndOneEvent() {
        List<WorkItem> items = work.create(project, List.of(item("W1"), item("W2", "W1"), item("W3", "W1", "W2")));

        assertThat(items).extracting(WorkItem::key).containsExactly("W1", "W2", "W3");
        assertThat(items.get(2).dependsOn()).containsExactly("W1", "W2");
        assertThat(items).extracting(WorkItem::status).containsOnly(WorkItemStatus.TODO);
        long w1 = items.get(0).id();
        long w2 = items.get(1).id();
        long w3 = items.get(2).id();
        List<List<Long>> dependencies =
                database.read(dsl -> dsl.select(WORK_ITEM_DEPENDENCIES.ITEM_ID, WORK_ITEM_DEPENDENCIES.DEPENDS_ON_ID)
                        .from(WORK_ITEM_DEPENDENCIES)
                        .fetch(r -> List.of(r.value1(), r.value2())));
        assertThat(dependencies).containsExactlyInAnyOrder(List.of(w2, w1), List.of(w3, w1), List.of(w3, w2));
        assertThat(count("items_created")).isEqualTo(1);
    }

    @Test
    void create_replacesAnUnstartedPlanButNotOneInProgress() {
        work.create(project, List.of(item("W1"), item("W2")));
        List<WorkItem> replaced = work.create(project, List.of(item("A1")));
        assertThat(replaced).extracting(WorkItem::key).containsExactly("A1");

        work.claim(replaced.getFirst().id(), "abc");

        assertThatThrownBy(() -> work.create(project, List.of(item("B1"))))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("in progress");
    }

    @Test
    void claimAndComplete_returnAndRecordTheItemsNewState() {
        WorkItem w1 = work.create(project, List.of(item("W1"))).getFirst();

        WorkItem claimed = work.claim(w1.id(), "start-sha");
        WorkItem again = work.claim(w1.id(), "second-sha");
        work.complete(w1.id(), "done-sha", 1);

        assertThat(claimed.status()).isEqualTo(WorkItemStatus.IN_PROGRESS);
        assertThat(claimed.attempts()).isEqualTo(1);
        assertThat(claimed.startCommit()).contains("start-sha");
        assertThat(again.attempts()).isEqualTo(2);
        assertThat(work.find(w1.id())).get().satisfies(item -> {
            assertThat(item.status()).isEqualTo(WorkItemStatus.DONE);
            assertThat(item.commit()).contains("done-sha");
            assertThat(item.reviewCycles()).isEqualTo(1);
            assertThat(item.attempts()).isEqualTo(2);
        });
        assertThatThrownBy(() -> work.complete(999, "x", 0)).hasMessageContaining("no work item 999");
    }

    @Test
    void sessionEnded_addsUsageKeepsWhatItDoesNotSetAndRecordsTheCandidate() {
        long session = store.sessionStarted(NewSession.of(
                project,
                PhaseName.IDEATION,
                Optional.empty(),
                Role.ANALYST,
                "scripted",
                1,
                0,
                Optional.of(Contract.REQUIREMENTS)));
        store.sessionEnded(
                session,
                new SessionEnd(
                        SessionEnd.Status.INVALID,
                        Optional.of("ext-1"),
                        new Usage(10, 5, 1, 2, 300),
                        Optional.empty(),
                        Optional.of(ErrorClass.INVALID_OUTPUT),
                        Optional.of("no json"),
                        Optional.empty(),
                        Optional.of("wrote nothing")),
                Optional.of(PhaseName.IDEATION));
        store.sessionEnded(
                session,
                new SessionEnd(
                        SessionEnd.Status.COMPLETED,
                        Optional.empty(),
                        new Usage(1, 1, 0, 0, 50),
                        Optional.of("{\"contract\":\"requirements.v1\"}"),
                        Optional.empty(),
                        Optional.empty(),
                        Optional.of("snap"),
                        Optional.empty()),
                Optional.of(PhaseName.IDEATION));

        var row = database.read(dsl -> dsl.selectFrom(AGENT_SESSIONS)
                .where(AGENT_SESSIONS.ID.eq(session))
                .fetchOne());
        assertThat(row.getStatus()).isEqualTo("completed");
        assertThat(row.getExternalSessionId()).isEqualTo("ext-1");
        assertThat(row.getInputTokens()).isEqualTo(11);
        assertThat(row.getOutputTokens()).isEqualTo(6);
        assertThat(row.getCostMicros()).isEqualTo(350);
        assertThat(row.getErrorSummary()).isEqualTo("no json");
        assertThat(row.getLastActivity()).isEqualTo("wrote nothing");
        assertThat(row.getEndedAt()).isNotNull();
        assertThat(store.candidate(project, PhaseName.IDEATION)).contains("{\"contract\":\"requirements.v1\"}");
        assertThat(store.phaseSteps(project, PhaseName.IDEATION, 1))
                .singleElement()
                .extracting(Step::snapshot)
                .isEqualTo(Optional.of("snap"));
        assertThat(count("agent_ended")).isEqualTo(2);
        assertThatThrownBy(() -> store.sessionEnded(
                        999,
                        new SessionEnd(
                                SessionEnd.Status.FAILED,
                                Optional.empty(),
                                Usage.NONE,
                                Optional.empty(),
                                Optional.empty(),
                                Optional.empty(),
                                Optional.empty(),
                                Optional.empty()),
                        Optional.empty()))
                .hasMessageContaining("no agent session 999");
    }

    private int count(String type) {
        return database.read(dsl -> dsl.fetchCount(EVENTS, EVENTS.TYPE.eq(type)));
    }

    private List<String> types(ProjectId id) {
        return database.read(dsl -> dsl.select(EVENTS.TYPE)
                .from(EVENTS)
                .where(EVENTS.PROJECT_ID.eq(id.value()))
                .orderBy(EVENTS.ID)
                .fetch(EVENTS.TYPE));
    }
}
