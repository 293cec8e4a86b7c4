package dev.orchestrator.work;

import dev.orchestrator.project.ProjectId;
import java.util.List;
import java.util.Optional;

/**
 * Where a project's work items are tracked. The SQLite store is the one backend today; a JSON file
 * or an issue tracker can stand behind the same interface. Every change is durable when the call
 * returns and appends its event.
 */
public interface WorkTracker {

    /**
     * Records the plan's items, replacing items of an earlier plan that never started. Idempotent
     * for the same plan, so a resumed breakdown phase can call it again.
     */
    List<WorkItem> create(ProjectId project, List<NewWorkItem> items);

    /** Every item of the project, in plan order. */
    List<WorkItem> items(ProjectId project);

    Optional<WorkItem> find(long itemId);

    /**
     * Every item that could run now, in the order to start them: interrupted ones first, then
     * {@code todo} items whose dependencies are all done or skipped, by priority then key.
     */
    List<WorkItem> ready(ProjectId project);

    /** Starts (or restarts) an item: {@code in_progress}, one more attempt, from {@code startCommit}. */
    WorkItem claim(long itemId, String startCommit);

    /** The item passed review and is committed as {@code commit}. */
    void complete(long itemId, String commit, int reviewCycles);

    /** The item did not converge or was blocked; {@code findings} (JSON) and the reason are kept. */
    void needsAttention(long itemId, String findings, String reason, int reviewCycles);

    /** The person asked for another attempt, with guidance for the developer. */
    void retry(long itemId, String guidance);

    /** The person chose to go on without the item. */
    void skip(long itemId);

    WorkProgress progress(ProjectId project);
}
