package dev.orchestrator.store;

import static dev.orchestrator.store.generated.Tables.WORK_ITEMS;

import dev.orchestrator.project.ProjectId;
import dev.orchestrator.store.generated.tables.records.WorkItemsRecord;
import dev.orchestrator.work.NewWorkItem;
import dev.orchestrator.work.WorkItem;
import dev.orchestrator.work.WorkItemStatus;
import dev.orchestrator.work.WorkProgress;
import dev.orchestrator.work.WorkTracker;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jooq.DSLContext;

/**
 * Work items in SQLite: each change one transaction with its event. Claiming and completing an
 * item, done for every item, are single {@code UPDATE ... RETURNING} statements kept prepared on the
 * writer thread, their payloads and results built on the caller's (see {@link SqlitePipelineStore}).
 */
public final class SqliteWorkTracker implements WorkTracker {
    private static final Comparator<WorkItem> ORDER = Comparator.comparingInt(WorkItem::priority)
            .thenComparing(
                    WorkItem::key, Comparator.comparing(String::length).thenComparing(Comparator.naturalOrder()));

    private final Database database;
    private final InstantSource clock;

    public SqliteWorkTracker(Database database, InstantSource clock) {
        this.database = database;
        this.clock = clock;
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    @Override
    public List<WorkItem> create(ProjectId project, List<NewWorkItem> items) {
        Instant now = now();
        // the JSON is written here, on the caller's thread; the writer binds it
        List<String[]> json = items.stream()
                .map(item -> new String[] {
                    StoreJson.MAPPER.writeValueAsString(item.acceptance()),
                    StoreJson.MAPPER.writeValueAsString(item.dependsOn())
                })
                .toList();
        String payload = StoreJson.payload(Map.of(
                "count",
                items.size(),
                "keys",
                items.stream().map(NewWorkItem::key).toList()));
        database.change(w -> {
            PreparedStatement started = w.prepared(STARTED_ITEMS);
            started.setLong(1, project.value());
            started.setString(2, WorkItemStatus.TODO.wireName());
            try (ResultSet rs = started.executeQuery()) {
                if (rs.next()) {
                    throw new StoreException("project " + project + " already has work items in progress; "
                            + "a new plan cannot replace them.");
                }
            }
            PreparedStatement delete = w.prepared(DELETE_ITEMS);
            delete.setLong(1, project.value());
            delete.executeUpdate();
            Map<String, Long> ids = new HashMap<>();
            PreparedStatement insert = w.prepared(INSERT_ITEM);
            for (int i = 0; i < items.size(); i++) {
                NewWorkItem item = items.get(i);
                insert.setLong(1, project.value());
                insert.setString(2, item.key());
                insert.setString(3, item.title());
                insert.setString(4, item.description());
                insert.setString(5, json.get(i)[0]);
                insert.setString(6, json.get(i)[1]);
                insert.setInt(7, item.priority());
                insert.setString(8, WorkItemStatus.TODO.wireName());
                insert.setLong(9, now.toEpochMilli());
                insert.setLong(10, now.toEpochMilli());
                try (ResultSet rs = insert.executeQuery()) {
                    rs.next();
                    ids.put(item.key(), rs.getLong(1));
                }
            }
            PreparedStatement depend = w.prepared(INSERT_DEPENDENCY);
            for (NewWorkItem item : items) {
                for (String dependency : item.dependsOn()) {
                    depend.setLong(1, ids.get(item.key()));
                    depend.setObject(2, ids.get(dependency));
                    depend.executeUpdate();
                }
            }
            SqliteProjectRepository.appendEvent(w, project.value(), now, "items_created", payload);
            return null;
        });
        return items(project);
    }

    private static final String STARTED_ITEMS = "SELECT 1 FROM work_items WHERE project_id = ? AND status <> ? LIMIT 1";
    private static final String DELETE_ITEMS = "DELETE FROM work_items WHERE project_id = ?";
    private static final String INSERT_ITEM = "INSERT INTO work_items (project_id, item_key, title, description,"
            + " acceptance, depends_on, priority, status, created_at, updated_at)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id";
    private static final String INSERT_DEPENDENCY =
            "INSERT INTO work_item_dependencies (item_id, depends_on_id) VALUES (?, ?)";

    @Override
    public List<WorkItem> items(ProjectId project) {
        return database.read(dsl -> items(dsl, project));
    }

    private static List<WorkItem> items(DSLContext dsl, ProjectId project) {
        return dsl.selectFrom(WORK_ITEMS)
                .where(WORK_ITEMS.PROJECT_ID.eq(project.value()))
                .orderBy(WORK_ITEMS.ID)
                .fetch(SqliteWorkTracker::toItem);
    }

    @Override
    public Optional<WorkItem> find(long itemId) {
        return database.read(dsl -> dsl.selectFrom(WORK_ITEMS)
                        .where(WORK_ITEMS.ID.eq(itemId))
                        .fetchOptional())
                .map(SqliteWorkTracker::toItem);
    }

    @Override
    public List<WorkItem> ready(ProjectId project) {
        List<WorkItem> all = items(project);
        Map<String, WorkItem> byKey = all.stream().collect(Collectors.toMap(WorkItem::key, Function.identity()));
        List<WorkItem> ready = new java.util.ArrayList<>(all.stream()
                .filter(i -> i.status() == WorkItemStatus.IN_PROGRESS)
                .sorted(ORDER)
                .toList());
        all.stream()
                .filter(i -> i.status() == WorkItemStatus.TODO)
                .filter(i -> i.dependsOn().stream()
                        .allMatch(d ->
                                byKey.containsKey(d) && byKey.get(d).status().releasesDependents()))
                .sorted(ORDER)
                .forEach(ready::add);
        return ready;
    }

    @Override
    public WorkItem claim(long itemId, String startCommit) {
        Instant now = now();
        String payload = StoreJson.payload(Map.of("start_commit", startCommit));
        ItemRow row = database.change(w -> {
            PreparedStatement update = w.prepared(CLAIM);
            update.setString(1, WorkItemStatus.IN_PROGRESS.wireName());
            update.setString(2, startCommit);
            update.setLong(3, now.toEpochMilli());
            update.setLong(4, itemId);
            ItemRow claimed;
            try (ResultSet rs = update.executeQuery()) {
                if (!rs.next()) {
                    throw missing(itemId);
                }
                claimed = ItemRow.of(rs);
            }
            SqliteProjectRepository.appendEvent(
                    w,
                    claimed.projectId(),
                    now,
                    "item_claimed",
                    StoreJson.with(StoreJson.with(payload, "item", claimed.key()), "attempt", claimed.attempts()));
            return claimed;
        });
        return row.toItem();
    }

    private static final String CLAIM = "UPDATE work_items SET status = ?, attempts = attempts + 1, review_cycles = 0,"
            + " start_commit = ?, updated_at = ? WHERE id = ? RETURNING " + ItemRow.COLUMNS;

    @Override
    public void complete(long itemId, String commit, int reviewCycles) {
        Instant now = now();
        String payload = StoreJson.payload(Map.of("commit", commit, "review_cycles", reviewCycles));
        database.change(w -> {
            PreparedStatement update = w.prepared(COMPLETE);
            update.setString(1, WorkItemStatus.DONE.wireName());
            update.setString(2, commit);
            update.setInt(3, reviewCycles);
            update.setLong(4, now.toEpochMilli());
            update.setLong(5, now.toEpochMilli());
            update.setLong(6, itemId);
            long projectId;
            String key;
            try (ResultSet rs = update.executeQuery()) {
                if (!rs.next()) {
                    throw missing(itemId);
                }
                projectId = rs.getLong(1);
                key = rs.getString(2);
            }
            SqliteProjectRepository.appendEvent(w, projectId, now, "item_done", StoreJson.with(payload, "item", key));
            return null;
        });
    }

    private static final String COMPLETE = "UPDATE work_items SET status = ?, commit_sha = ?, review_cycles = ?,"
            + " completed_at = ?, updated_at = ? WHERE id = ? RETURNING project_id, item_key";

    /**
     * A work item's columns as a change returns them, so that their JSON is parsed on the caller's
     * thread rather than the writer's.
     */
    private record ItemRow(
            long id,
            long projectId,
            String key,
            String title,
            String description,
            String acceptance,
            String dependsOn,
            int priority,
            String status,
            int attempts,
            int reviewCycles,
            String startCommit,
            String commit,
            String findings,
            String guidance) {
        static final String COLUMNS = "id, project_id, item_key, title, description, acceptance, depends_on, priority,"
                + " status, attempts, review_cycles, start_commit, commit_sha, findings, guidance";

        static ItemRow of(ResultSet rs) throws SQLException {
            return new ItemRow(
                    rs.getLong(1),
                    rs.getLong(2),
                    rs.getString(3),
                    rs.getString(4),
                    rs.getString(5),
                    rs.getString(6),
                    rs.getString(7),
                    rs.getInt(8),
                    rs.getString(9),
                    rs.getInt(10),
                    rs.getInt(11),
                    rs.getString(12),
                    rs.getString(13),
                    rs.getString(14),
                    rs.getString(15));
        }

        WorkItem toItem() {
            return new WorkItem(
                    id,
                    key,
                    title,
                    description,
                    SqlitePipelineStore.strings(acceptance),
                    SqlitePipelineStore.strings(dependsOn),
                    priority,
                    WorkItemStatus.fromWireName(status),
                    attempts,
                    reviewCycles,
                    Optional.ofNullable(startCommit),
                    Optional.ofNullable(commit),
                    Optional.ofNullable(findings),
                    Optional.ofNullable(guidance));
        }
    }

    @Override
    public void needsAttention(long itemId, String findings, String reason, int reviewCycles) {
        database.change(w -> {
            DSLContext dsl = w.dsl();
            Instant now = now();
            WorkItemsRecord row = row(dsl, itemId);
            row.setStatus(WorkItemStatus.NEEDS_ATTENTION.wireName());
            row.setFindings(findings);
            row.setReviewCycles(reviewCycles);
            row.setUpdatedAt(now);
            row.store();
            SqliteProjectRepository.appendEvent(
                    w,
                    row.getProjectId(),
                    now,
                    "item_needs_attention",
                    Map.of("item", row.getItemKey(), "reason", reason, "review_cycles", reviewCycles));
            return null;
        });
    }

    @Override
    public void retry(long itemId, String guidance) {
        database.change(w -> {
            DSLContext dsl = w.dsl();
            Instant now = now();
            WorkItemsRecord row = row(dsl, itemId);
            row.setStatus(WorkItemStatus.TODO.wireName());
            row.setGuidance(guidance.isBlank() ? null : guidance);
            row.setUpdatedAt(now);
            row.store();
            SqliteProjectRepository.appendEvent(
                    w, row.getProjectId(), now, "item_retry", Map.of("item", row.getItemKey(), "guidance", guidance));
            return null;
        });
    }

    @Override
    public void skip(long itemId) {
        database.change(w -> {
            DSLContext dsl = w.dsl();
            Instant now = now();
            WorkItemsRecord row = row(dsl, itemId);
            row.setStatus(WorkItemStatus.SKIPPED.wireName());
            row.setUpdatedAt(now);
            row.store();
            SqliteProjectRepository.appendEvent(
                    w, row.getProjectId(), now, "item_skipped", Map.of("item", row.getItemKey()));
            return null;
        });
    }

    @Override
    public WorkProgress progress(ProjectId project) {
        Map<WorkItemStatus, Integer> counts = new EnumMap<>(WorkItemStatus.class);
        database.read(dsl -> dsl.select(WORK_ITEMS.STATUS, org.jooq.impl.DSL.count())
                        .from(WORK_ITEMS)
                        .where(WORK_ITEMS.PROJECT_ID.eq(project.value()))
                        .groupBy(WORK_ITEMS.STATUS)
                        .fetch())
                .forEach(r -> counts.put(WorkItemStatus.fromWireName(r.value1()), r.value2()));
        return new WorkProgress(counts);
    }

    private static WorkItemsRecord row(DSLContext dsl, long itemId) {
        return dsl.selectFrom(WORK_ITEMS)
                .where(WORK_ITEMS.ID.eq(itemId))
                .fetchOptional()
                .orElseThrow(() -> missing(itemId));
    }

    private static StoreException missing(long itemId) {
        return new StoreException("there is no work item " + itemId + ".");
    }

    private static WorkItem toItem(WorkItemsRecord row) {
        return new ItemRow(
                        row.getId(),
                        row.getProjectId(),
                        row.getItemKey(),
                        row.getTitle(),
                        row.getDescription(),
                        row.getAcceptance(),
                        row.getDependsOn(),
                        row.getPriority(),
                        row.getStatus(),
                        row.getAttempts(),
                        row.getReviewCycles(),
                        row.getStartCommit(),
                        row.getCommitSha(),
                        row.getFindings(),
                        row.getGuidance())
                .toItem();
    }
}
