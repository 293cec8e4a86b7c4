package dev.orchestrator.store;

import static dev.orchestrator.store.generated.Tables.WORK_ITEMS;
import static dev.orchestrator.store.generated.Tables.WORK_ITEM_DEPENDENCIES;

import dev.orchestrator.project.ProjectId;
import dev.orchestrator.store.generated.tables.records.WorkItemsRecord;
import dev.orchestrator.work.NewWorkItem;
import dev.orchestrator.work.WorkItem;
import dev.orchestrator.work.WorkItemStatus;
import dev.orchestrator.work.WorkProgress;
import dev.orchestrator.work.WorkTracker;
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

/** Work items in SQLite: each change one transaction with its event. */
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
        database.write(dsl -> {
            Instant now = now();
            List<WorkItem> existing = items(dsl, project);
            boolean started = existing.stream().anyMatch(i -> i.status() != WorkItemStatus.TODO);
            if (started) {
                throw new StoreException("project " + project + " already has work items in progress; "
                        + "a new plan cannot replace them.");
            }
            dsl.deleteFrom(WORK_ITEMS)
                    .where(WORK_ITEMS.PROJECT_ID.eq(project.value()))
                    .execute();
            Map<String, Long> ids = new HashMap<>();
            for (NewWorkItem item : items) {
                WorkItemsRecord row = dsl.newRecord(WORK_ITEMS);
                row.setProjectId(project.value());
                row.setItemKey(item.key());
                row.setTitle(item.title());
                row.setDescription(item.description());
                row.setAcceptance(StoreJson.MAPPER.writeValueAsString(item.acceptance()));
                row.setDependsOn(StoreJson.MAPPER.writeValueAsString(item.dependsOn()));
                row.setPriority(item.priority());
                row.setStatus(WorkItemStatus.TODO.wireName());
                row.setCreatedAt(now);
                row.setUpdatedAt(now);
                row.store();
                ids.put(item.key(), row.getId());
            }
            for (NewWorkItem item : items) {
                for (String dependency : item.dependsOn()) {
                    dsl.insertInto(WORK_ITEM_DEPENDENCIES)
                            .set(WORK_ITEM_DEPENDENCIES.ITEM_ID, ids.get(item.key()))
                            .set(WORK_ITEM_DEPENDENCIES.DEPENDS_ON_ID, ids.get(dependency))
                            .execute();
                }
            }
            SqliteProjectRepository.appendEvent(
                    dsl,
                    project.value(),
                    now,
                    "items_created",
                    Map.of(
                            "count",
                            items.size(),
                            "keys",
                            items.stream().map(NewWorkItem::key).toList()));
            return null;
        });
        return items(project);
    }

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
    public Optional<WorkItem> next(ProjectId project) {
        List<WorkItem> all = items(project);
        Optional<WorkItem> interrupted = all.stream()
                .filter(i -> i.status() == WorkItemStatus.IN_PROGRESS)
                .min(ORDER);
        if (interrupted.isPresent()) {
            return interrupted;
        }
        Map<String, WorkItem> byKey = all.stream().collect(Collectors.toMap(WorkItem::key, Function.identity()));
        return all.stream()
                .filter(i -> i.status() == WorkItemStatus.TODO)
                .filter(i -> i.dependsOn().stream()
                        .allMatch(d ->
                                byKey.containsKey(d) && byKey.get(d).status().releasesDependents()))
                .min(ORDER);
    }

    @Override
    public WorkItem claim(long itemId, String startCommit) {
        database.write(dsl -> {
            Instant now = now();
            WorkItemsRecord row = row(dsl, itemId);
            row.setStatus(WorkItemStatus.IN_PROGRESS.wireName());
            row.setAttempts(row.getAttempts() + 1);
            row.setReviewCycles(0);
            row.setStartCommit(startCommit);
            row.setUpdatedAt(now);
            row.store();
            SqliteProjectRepository.appendEvent(
                    dsl,
                    row.getProjectId(),
                    now,
                    "item_claimed",
                    Map.of("item", row.getItemKey(), "attempt", row.getAttempts(), "start_commit", startCommit));
            return null;
        });
        return find(itemId).orElseThrow();
    }

    @Override
    public void complete(long itemId, String commit, int reviewCycles) {
        database.write(dsl -> {
            Instant now = now();
            WorkItemsRecord row = row(dsl, itemId);
            row.setStatus(WorkItemStatus.DONE.wireName());
            row.setCommitSha(commit);
            row.setReviewCycles(reviewCycles);
            row.setCompletedAt(now);
            row.setUpdatedAt(now);
            row.store();
            SqliteProjectRepository.appendEvent(
                    dsl,
                    row.getProjectId(),
                    now,
                    "item_done",
                    Map.of("item", row.getItemKey(), "commit", commit, "review_cycles", reviewCycles));
            return null;
        });
    }

    @Override
    public void needsAttention(long itemId, String findings, String reason, int reviewCycles) {
        database.write(dsl -> {
            Instant now = now();
            WorkItemsRecord row = row(dsl, itemId);
            row.setStatus(WorkItemStatus.NEEDS_ATTENTION.wireName());
            row.setFindings(findings);
            row.setReviewCycles(reviewCycles);
            row.setUpdatedAt(now);
            row.store();
            SqliteProjectRepository.appendEvent(
                    dsl,
                    row.getProjectId(),
                    now,
                    "item_needs_attention",
                    Map.of("item", row.getItemKey(), "reason", reason, "review_cycles", reviewCycles));
            return null;
        });
    }

    @Override
    public void retry(long itemId, String guidance) {
        database.write(dsl -> {
            Instant now = now();
            WorkItemsRecord row = row(dsl, itemId);
            row.setStatus(WorkItemStatus.TODO.wireName());
            row.setGuidance(guidance.isBlank() ? null : guidance);
            row.setUpdatedAt(now);
            row.store();
            SqliteProjectRepository.appendEvent(
                    dsl, row.getProjectId(), now, "item_retry", Map.of("item", row.getItemKey(), "guidance", guidance));
            return null;
        });
    }

    @Override
    public void skip(long itemId) {
        database.write(dsl -> {
            Instant now = now();
            WorkItemsRecord row = row(dsl, itemId);
            row.setStatus(WorkItemStatus.SKIPPED.wireName());
            row.setUpdatedAt(now);
            row.store();
            SqliteProjectRepository.appendEvent(
                    dsl, row.getProjectId(), now, "item_skipped", Map.of("item", row.getItemKey()));
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
                .orElseThrow(() -> new StoreException("there is no work item " + itemId + "."));
    }

    private static WorkItem toItem(WorkItemsRecord row) {
        return new WorkItem(
                row.getId(),
                row.getItemKey(),
                row.getTitle(),
                row.getDescription(),
                SqlitePipelineStore.strings(row.getAcceptance()),
                SqlitePipelineStore.strings(row.getDependsOn()),
                row.getPriority(),
                WorkItemStatus.fromWireName(row.getStatus()),
                row.getAttempts(),
                row.getReviewCycles(),
                Optional.ofNullable(row.getStartCommit()),
                Optional.ofNullable(row.getCommitSha()),
                Optional.ofNullable(row.getFindings()),
                Optional.ofNullable(row.getGuidance()));
    }
}
