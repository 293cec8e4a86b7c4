package dev.orchestrator.pipeline;

import dev.orchestrator.config.Autonomy;
import dev.orchestrator.config.PhaseName;
import dev.orchestrator.contract.Architecture;
import dev.orchestrator.project.Project;
import dev.orchestrator.work.WorkItem;
import dev.orchestrator.work.WorkItemStatus;
import dev.orchestrator.workspace.Git;
import dev.orchestrator.workspace.GitException;
import dev.orchestrator.workspace.Worktrees;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The implement phase: work items in dependency order, up to {@code phases.implement.max_parallel}
 * at once, each on its own virtual thread in its own worktree ({@link ItemWork}), merged into main
 * one at a time as their reviews pass ({@link Merger}). An item that fails or needs attention holds
 * only the items that depend on it. At the start, the orchestrator's own orphaned worktrees are
 * reattached (their item was interrupted) or set aside: their changes committed on their branch, the
 * folder removed, the branch deleted only when main has all of it.
 *
 * <p>{@link #run} runs on the project's pipeline thread, which alone starts items and reads their
 * outcomes; the items' threads share only the store, the merger and the admin lock.
 */
final class ItemRunner {
    private static final Logger log = LoggerFactory.getLogger(ItemRunner.class);
    /** How long a stopping run waits for its items' threads to record their interrupted calls. */
    private static final Duration ITEMS_EXIT = Duration.ofSeconds(30);

    private final PipelineServices services;
    private final Project project;
    private final Git main;
    private final StopSignal stop;
    private final Worktrees worktrees;
    private final ReentrantLock admin = new ReentrantLock();
    private final ItemWork work;
    private final int maxParallel;
    /** The items' threads, and the clean-ups after their merges; closed at the end of {@link #run}. */
    private final ExecutorService threads;

    /**
     * Where items land and how.
     *
     * @param baseBranch the branch of the main checkout that items start from and merge into
     * @param merge whether passing items merge into it (else their reviewed branches are kept)
     * @param testCommand what runs the project's tests after a merge conflict is resolved
     * @param logRoot where agent logs and test output go
     * @param poll how often a merge waiting for a clean main checkout looks again
     */
    record Settings(
            String baseBranch,
            boolean merge,
            Optional<String> testCommand,
            java.nio.file.Path logRoot,
            Duration poll) {}

    /** The implement phase of a pipeline project: items merge into {@code main}, the tests are the architecture's. */
    ItemRunner(RunScope scope) {
        this(
                scope,
                new Settings(
                        "main",
                        true,
                        testCommand(scope),
                        scope.project().workspace().resolve(".orchestrator/logs"),
                        Duration.ofSeconds(1)));
    }

    ItemRunner(RunScope scope, Settings settings) {
        this.services = scope.services();
        this.project = scope.project();
        this.main = scope.git();
        this.stop = scope.stop();
        this.worktrees = Worktrees.of(main);
        Merger merger = new Merger(services, project, main, stop, settings);
        this.threads = Executors.newThreadPerTaskExecutor(
                Thread.ofVirtual().name("item-" + project.id() + "-", 1).factory());
        this.work = new ItemWork(scope, worktrees, merger, admin, settings, threads);
        this.maxParallel = services.config().phase(PhaseName.IMPLEMENT).maxParallel();
    }

    private static Optional<String> testCommand(RunScope scope) {
        return scope.services()
                .store()
                .output(scope.project().id(), PhaseName.ARCHITECTURE)
                .map(json -> Architecture.from(AgentCalls.JSON.readTree(json))
                        .commands()
                        .test())
                .filter(c -> !c.isBlank());
    }

    /** @return completion details, or null when the phase waits for the person's decision */
    Map<String, Object> run() throws InterruptedException {
        try (threads) {
            setAsideOrphans();
            applyDecisions();
            runItems();
        }
        main.collectGarbage();
        List<WorkItem> items = services.work().items(project.id());
        List<WorkItem> attention = items.stream()
                .filter(i -> i.status() == WorkItemStatus.NEEDS_ATTENTION)
                .toList();
        if (!attention.isEmpty()) {
            WorkItem first = attention.getFirst();
            long waitingOnIt = items.stream()
                    .filter(i -> i.status() == WorkItemStatus.TODO)
                    .count();
            String why = first.label() + " needs attention"
                    + (attention.size() > 1 ? " (and " + (attention.size() - 1) + " more)" : "")
                    + (waitingOnIt > 0 ? "; " + waitingOnIt + " items wait on it" : "");
            if (services.config().autonomy() == Autonomy.CHECKPOINT) {
                services.store()
                        .requestApproval(
                                project.id(),
                                PhaseName.IMPLEMENT,
                                Approval.Kind.ITEM,
                                Optional.of(first.id()),
                                first.label() + ": " + attentionSummary(first));
                return null;
            }
            throw new PhaseFailure(why + ". /view " + project.id() + " implement shows the findings; /resume "
                    + project.id() + " tries again.");
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("items", items.size());
        details.put(
                "done",
                items.stream().filter(i -> i.status() == WorkItemStatus.DONE).count());
        details.put(
                "skipped",
                items.stream().filter(i -> i.status() == WorkItemStatus.SKIPPED).count());
        return details;
    }

    /**
     * Starts ready items while fewer than {@code max_parallel} run, and takes their outcomes as they
     * end. A stop, a pause or a failure starts nothing new and lets the running items reach their
     * own safe points; in checkpoint autonomy an item that needs the person's decision does the same.
     */
    private void runItems() throws InterruptedException {
        Map<String, String> mdc = MDC.getCopyOfContextMap();
        CompletionService<Boolean> ended = new ExecutorCompletionService<>(threads);
        Map<Future<Boolean>, WorkItem> running = new HashMap<>();
        RuntimeException failure = null;
        boolean hold = false;
        try {
            while (true) {
                if (failure == null && !hold && !stop.requested()) {
                    start(running, ended, mdc);
                }
                if (running.isEmpty()) {
                    break;
                }
                Future<Boolean> done = ended.take();
                WorkItem item = running.remove(done);
                try {
                    boolean escalated = done.get();
                    hold |= escalated && services.config().autonomy() == Autonomy.CHECKPOINT;
                } catch (ExecutionException e) {
                    RuntimeException cause = e.getCause() instanceof RuntimeException r
                            ? r
                            : new PipelineException(item.label() + " failed: " + e.getCause());
                    if (!(cause instanceof StopSignal.StopRequested)) {
                        log.warn("project {}: {} ended with {}", project.id(), item.key(), cause.toString());
                    }
                    if (failure == null || failure instanceof StopSignal.StopRequested) {
                        failure = cause;
                    } else if (!(cause instanceof StopSignal.StopRequested)) {
                        failure.addSuppressed(cause);
                    }
                }
            }
        } catch (InterruptedException e) {
            // The stop's grace ran out: the items' agents are interrupted too, and their calls recorded.
            running.keySet().forEach(f -> f.cancel(true));
            threads.shutdownNow();
            threads.awaitTermination(ITEMS_EXIT.toSeconds(), TimeUnit.SECONDS);
            throw e;
        }
        if (failure != null) {
            throw failure;
        }
        stop.check();
    }

    private void start(
            Map<Future<Boolean>, WorkItem> running, CompletionService<Boolean> ended, Map<String, String> mdc) {
        List<Long> busy = running.values().stream().map(WorkItem::id).toList();
        for (WorkItem next : services.work().ready(project.id())) {
            if (running.size() >= maxParallel) {
                return;
            }
            if (busy.contains(next.id())) {
                continue;
            }
            boolean interrupted = next.status() == WorkItemStatus.IN_PROGRESS;
            if (!interrupted) {
                work.prepare(next);
            }
            WorkItem item = interrupted ? next : services.work().claim(next.id(), work.base());
            running.put(
                    ended.submit(() -> {
                        if (mdc != null) {
                            MDC.setContextMap(mdc);
                        }
                        return work.run(item, interrupted);
                    }),
                    item);
        }
    }

    /**
     * Carries out the person's decisions about items that needed attention. In full autonomy a new
     * run of the phase (the person's /resume) retries them.
     */
    private void applyDecisions() throws InterruptedException {
        for (WorkItem item : services.work().items(project.id())) {
            if (item.status() != WorkItemStatus.NEEDS_ATTENTION) {
                continue;
            }
            Optional<Approval> decision = services.store().latestItemApproval(item.id());
            Approval.Status status = decision.map(Approval::status).orElse(null);
            if (status == Approval.Status.RETRY
                    || (status == null && services.config().autonomy() == Autonomy.FULL)) {
                services.work()
                        .retry(item.id(), decision.flatMap(Approval::feedback).orElse(""));
            } else if (status == Approval.Status.SKIP) {
                services.work().skip(item.id());
            } else if (status == Approval.Status.ACCEPT) {
                work.accept(item);
            } else if (status != Approval.Status.PENDING && services.config().autonomy() == Autonomy.FULL) {
                services.work().retry(item.id(), "");
            }
        }
    }

    /**
     * Worktrees left by an earlier run: an interrupted item's is kept for its resume; any other has
     * its changes committed on its branch and is removed. Branches main has all of are deleted;
     * a branch with unmerged commits is never deleted.
     */
    private void setAsideOrphans() {
        main.pruneWorktrees();
        List<WorkItem> items = services.work().items(project.id());
        List<String> inUse = new ArrayList<>();
        for (Git.Worktree orphan : worktrees.ours()) {
            Optional<WorkItem> item = items.stream()
                    .filter(i -> worktrees
                            .folder(i.key())
                            .toAbsolutePath()
                            .normalize()
                            .equals(orphan.folder().toAbsolutePath().normalize()))
                    .findFirst();
            if (item.isPresent() && item.get().status() == WorkItemStatus.IN_PROGRESS) {
                orphan.branch().ifPresent(inUse::add);
                continue;
            }
            String key = item.map(WorkItem::key).orElse(Worktrees.key(orphan));
            try {
                Git tree = Git.at(orphan.folder(), services.processes()::startTool);
                tree.abortMergeOrRebase();
                if (tree.hasChanges()) {
                    tree.commitAll(key + ": unfinished work found in an orphaned worktree", false);
                }
                main.removeWorktree(orphan.folder());
                progress("set aside the orphaned worktree of " + key
                        + orphan.branch()
                                .map(b -> " (its work stays on branch " + b + ")")
                                .orElse(""));
            } catch (GitException e) {
                orphan.branch().ifPresent(inUse::add);
                log.warn("project {}: cannot set aside the worktree {}", project.id(), orphan.folder(), e);
                progress("could not set aside the orphaned worktree " + orphan.folder() + ": " + e.getMessage());
            }
        }
        String head = work.base();
        for (String branch : main.branches(Worktrees.BRANCH_PREFIX)) {
            if (!inUse.contains(branch)) {
                main.deleteBranchIfMerged(branch, head);
            }
        }
    }

    private String attentionSummary(WorkItem item) {
        return item.findings()
                .map(json -> {
                    var node = AgentCalls.JSON.readTree(json);
                    List<String> messages = new ArrayList<>();
                    node.forEach(f -> messages.add(f.path("severity").asString() + ": "
                            + f.path("message").asString()));
                    return messages.isEmpty() ? "did not converge" : String.join("; ", messages);
                })
                .orElse("did not converge");
    }

    private void progress(String text) {
        services.listener().progress(project.id(), "[implement] " + text);
    }
}
