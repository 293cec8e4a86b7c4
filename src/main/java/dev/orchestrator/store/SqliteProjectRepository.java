package dev.orchestrator.store;

import static dev.orchestrator.store.generated.Tables.EVENTS;
import static dev.orchestrator.store.generated.Tables.PHASES;
import static dev.orchestrator.store.generated.Tables.PROJECTS;
import static dev.orchestrator.store.generated.Tables.WORK_ITEMS;
import static org.jooq.impl.DSL.count;
import static org.jooq.impl.DSL.inline;
import static org.jooq.impl.DSL.lower;
import static org.jooq.impl.DSL.sum;
import static org.jooq.impl.DSL.when;

import dev.orchestrator.config.PhaseName;
import dev.orchestrator.project.NameTakenException;
import dev.orchestrator.project.NewProject;
import dev.orchestrator.project.Page;
import dev.orchestrator.project.PhaseState;
import dev.orchestrator.project.PhaseStatus;
import dev.orchestrator.project.Project;
import dev.orchestrator.project.ProjectEvent;
import dev.orchestrator.project.ProjectId;
import dev.orchestrator.project.ProjectRepository;
import dev.orchestrator.project.ProjectStatus;
import dev.orchestrator.project.ProjectSummary;
import dev.orchestrator.project.StatusCounts;
import dev.orchestrator.store.generated.tables.records.ProjectsRecord;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record3;

/** Projects in SQLite. Every change is one transaction that also appends its event. */
public final class SqliteProjectRepository implements ProjectRepository {
    private static final Field<Integer> DONE_ITEMS = sum(when(WORK_ITEMS.STATUS.eq("done"), inline(1))
                    .otherwise(inline(0)))
            .cast(Integer.class);

    private final Database database;
    private final InstantSource clock;

    public SqliteProjectRepository(Database database, InstantSource clock) {
        this.database = database;
        this.clock = clock;
    }

    @Override
    public Project create(NewProject project) {
        return database.change(w -> {
            DSLContext dsl = w.dsl();
            if (taken(dsl, project.name(), project.slug())) {
                throw new NameTakenException(project.name());
            }
            Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
            ProjectsRecord row = dsl.newRecord(PROJECTS);
            row.setName(project.name());
            row.setSlug(project.slug());
            row.setIdea(project.idea());
            row.setStatus(ProjectStatus.NOT_STARTED.wireName());
            row.setWorkspacePath(project.workspace().toString());
            row.setConfigSnapshot(project.configSnapshot());
            row.setCreatedAt(now);
            row.setUpdatedAt(now);
            row.store();
            for (PhaseName phase : PhaseName.values()) {
                dsl.insertInto(PHASES)
                        .set(PHASES.PROJECT_ID, row.getId())
                        .set(PHASES.NAME, phase.toString())
                        .set(PHASES.ORDINAL, phase.ordinal())
                        .set(PHASES.STATUS, PhaseStatus.PENDING.wireName())
                        .execute();
            }
            appendEvent(
                    w,
                    row.getId(),
                    now,
                    "project_created",
                    Map.of(
                            "name", project.name(),
                            "slug", project.slug(),
                            "workspace", project.workspace().toString()));
            return toProject(row);
        });
    }

    @Override
    public Optional<Project> find(ProjectId id) {
        return database.read(dsl -> dsl.selectFrom(PROJECTS)
                        .where(PROJECTS.ID.eq(id.value()))
                        .fetchOptional())
                .map(SqliteProjectRepository::toProject);
    }

    @Override
    public Optional<Project> findByName(String nameOrSlug) {
        String wanted = nameOrSlug.strip().toLowerCase(Locale.ROOT);
        return database.read(dsl -> dsl.selectFrom(PROJECTS)
                        .where(lower(PROJECTS.NAME).eq(wanted).or(PROJECTS.SLUG.eq(wanted)))
                        .orderBy(PROJECTS.ID.desc())
                        .limit(1)
                        .fetchOptional())
                .map(SqliteProjectRepository::toProject);
    }

    @Override
    public boolean isTaken(String name, String slug) {
        return database.read(dsl -> taken(dsl, name, slug));
    }

    private static boolean taken(DSLContext dsl, String name, String slug) {
        return dsl.fetchExists(
                PROJECTS, lower(PROJECTS.NAME).eq(name.toLowerCase(Locale.ROOT)).or(PROJECTS.SLUG.eq(slug)));
    }

    @Override
    public Page<ProjectSummary> list(int page, int pageSize) {
        return database.read(dsl -> {
            long total = dsl.fetchCount(PROJECTS);
            List<Project> projects = dsl.selectFrom(PROJECTS)
                    .orderBy(PROJECTS.ID.desc())
                    .limit(pageSize)
                    .offset((long) (page - 1) * pageSize)
                    .fetch(SqliteProjectRepository::toProject);
            Map<Long, int[]> progress = progress(dsl, projects);
            List<ProjectSummary> summaries = new ArrayList<>(projects.size());
            for (Project project : projects) {
                int[] figures = progress.getOrDefault(project.id().value(), new int[2]);
                summaries.add(new ProjectSummary(project, figures[0], figures[1], project.updatedAt()));
            }
            return new Page<>(summaries, page, pageSize, total);
        });
    }

    @Override
    public ProjectSummary summary(Project project) {
        int[] figures = database.read(dsl -> progress(dsl, List.of(project)))
                .getOrDefault(project.id().value(), new int[2]);
        return new ProjectSummary(project, figures[0], figures[1], project.updatedAt());
    }

    /** Done and total work items per project id. */
    private static Map<Long, int[]> progress(DSLContext dsl, List<Project> projects) {
        if (projects.isEmpty()) {
            return Map.of();
        }
        List<Long> ids = projects.stream().map(p -> p.id().value()).toList();
        Map<Long, int[]> progress = new HashMap<>();
        for (Record3<Long, Integer, Integer> row : dsl.select(WORK_ITEMS.PROJECT_ID, DONE_ITEMS, count())
                .from(WORK_ITEMS)
                .where(WORK_ITEMS.PROJECT_ID.in(ids))
                .groupBy(WORK_ITEMS.PROJECT_ID)
                .fetch()) {
            progress.put(row.value1(), new int[] {row.value2() == null ? 0 : row.value2(), row.value3()});
        }
        return progress;
    }

    /** Plain JDBC: the banner asks for this before the first prompt, ahead of jOOQ's start-up. */
    @Override
    public StatusCounts counts() {
        return database.readJdbc(connection -> {
            Map<ProjectStatus, Long> counts = new EnumMap<>(ProjectStatus.class);
            try (var statement = connection.createStatement();
                    var rows = statement.executeQuery("SELECT status, count(*) FROM projects GROUP BY status")) {
                while (rows.next()) {
                    counts.merge(ProjectStatus.fromWireName(rows.getString(1)), rows.getLong(2), Long::sum);
                }
            }
            return new StatusCounts(counts);
        });
    }

    @Override
    public List<PhaseState> phases(ProjectId id) {
        return database.read(dsl -> phases(dsl, id));
    }

    static List<PhaseState> phases(DSLContext dsl, ProjectId id) {
        return dsl.selectFrom(PHASES)
                .where(PHASES.PROJECT_ID.eq(id.value()))
                .orderBy(PHASES.ORDINAL)
                .fetch(row -> new PhaseState(
                        PhaseName.fromWireName(row.getName()),
                        PhaseStatus.fromWireName(row.getStatus()),
                        row.getAttempts(),
                        Optional.ofNullable(row.getStartedAt()),
                        Optional.ofNullable(row.getEndedAt()),
                        Optional.ofNullable(row.getStartCommit()),
                        Optional.ofNullable(row.getError())));
    }

    @Override
    public List<ProjectEvent> recentEvents(ProjectId id, int limit) {
        List<ProjectEvent> events = new ArrayList<>(database.read(dsl -> dsl.selectFrom(EVENTS)
                .where(EVENTS.PROJECT_ID.eq(id.value()))
                .orderBy(EVENTS.ID.desc())
                .limit(limit)
                .fetch(row ->
                        new ProjectEvent(row.getId(), id, row.getOccurredAt(), row.getType(), row.getPayload()))));
        Collections.reverse(events);
        return events;
    }

    @Override
    public List<Project> recent(int limit) {
        return database.read(dsl -> dsl.selectFrom(PROJECTS)
                .orderBy(PROJECTS.ID.desc())
                .limit(limit)
                .fetch(SqliteProjectRepository::toProject));
    }

    /**
     * Appends an event whose payload (from {@link StoreJson#payload}) was built by the caller. A
     * kept prepared statement: every transition runs this on the one writer thread.
     */
    static void appendEvent(Writes writes, Long projectId, Instant at, String type, String payload)
            throws SQLException {
        PreparedStatement insert = writes.prepared(INSERT_EVENT);
        if (projectId == null) {
            insert.setNull(1, Types.BIGINT);
        } else {
            insert.setLong(1, projectId);
        }
        insert.setLong(2, at.toEpochMilli());
        insert.setString(3, type);
        insert.setString(4, payload);
        insert.executeUpdate();
    }

    /** Appends an event, building its payload on the writer thread: for the changes made seldom. */
    static void appendEvent(Writes writes, Long projectId, Instant at, String type, Map<String, ?> fields)
            throws SQLException {
        appendEvent(writes, projectId, at, type, StoreJson.payload(fields));
    }

    private static final String INSERT_EVENT =
            "INSERT INTO events (project_id, occurred_at, type, payload) VALUES (?, ?, ?, ?)";

    static Project toProject(ProjectsRecord row) {
        return new Project(
                new ProjectId(row.getId()),
                row.getName(),
                row.getSlug(),
                row.getIdea(),
                ProjectStatus.fromWireName(row.getStatus()),
                Optional.ofNullable(row.getCurrentPhase()).map(PhaseName::fromWireName),
                Path.of(row.getWorkspacePath()),
                row.getCreatedAt(),
                row.getUpdatedAt());
    }
}
