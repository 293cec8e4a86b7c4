package dev.orchestrator.store;

import static dev.orchestrator.store.generated.Tables.EVENTS;
import static dev.orchestrator.store.generated.Tables.PROJECTS;

import dev.orchestrator.project.ProjectStatus;
import java.time.Instant;
import java.util.Set;
import org.jooq.impl.DSL;

/**
 * Compacts the event log of finished projects. The log is append-only and grows linearly with the
 * work done (about 170 events for a project of 20 work items); half of them are
 * {@code agent_started}/{@code agent_ended}, which repeat what {@code agent_sessions} keeps for
 * every call. Once a project is completed or failed, those and its ownership records can go;
 * every phase, work item, decision and project transition stays, so {@code /log} still tells the
 * project's story. Freed pages are reused by later writes; {@code VACUUM} gives them back to the
 * file system.
 */
public final class EventCompaction {
    /** Event types that only repeat another table or record which process owned the project. */
    static final Set<String> REMOVABLE =
            Set.of("agent_started", "agent_ended", "agents_interrupted", "project_claimed");

    /** Rows deleted per transaction, so that compaction never holds the writer for long. */
    static final int BATCH = 5_000;

    private final Database database;

    public EventCompaction(Database database) {
        this.database = database;
    }

    /** What a compaction did: the events it removed and the events left in the whole log. */
    public record Result(long removed, long kept) {}

    /** Removes the {@link #REMOVABLE} events of projects that finished (last changed) before {@code finishedBefore}. */
    public Result compact(Instant finishedBefore) {
        var finished = DSL.select(PROJECTS.ID)
                .from(PROJECTS)
                .where(PROJECTS.STATUS.in(ProjectStatus.COMPLETED.wireName(), ProjectStatus.FAILED.wireName()))
                .and(PROJECTS.UPDATED_AT.lt(finishedBefore));
        long removed = 0;
        int deleted;
        do {
            deleted = database.write(dsl -> dsl.deleteFrom(EVENTS)
                    .where(EVENTS.ID.in(DSL.select(EVENTS.ID)
                            .from(EVENTS)
                            .where(EVENTS.PROJECT_ID.in(finished))
                            .and(EVENTS.TYPE.in(REMOVABLE))
                            .limit(BATCH)))
                    .execute());
            removed += deleted;
        } while (deleted == BATCH);
        long kept = database.read(dsl -> dsl.fetchCount(EVENTS));
        return new Result(removed, kept);
    }
}
