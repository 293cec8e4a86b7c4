package dev.orchestrator.pipeline;

import dev.orchestrator.config.PhaseName;
import dev.orchestrator.contract.DevResult;
import dev.orchestrator.process.Command;
import dev.orchestrator.process.CommandResult;
import dev.orchestrator.process.CommandRunner;
import dev.orchestrator.project.Project;
import dev.orchestrator.work.WorkItem;
import dev.orchestrator.workspace.Git;
import dev.orchestrator.workspace.Worktrees;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Lands work items on the project's main branch, one at a time under the project's merge lock: a
 * fast-forward when main has not moved, else the item's branch is rebased onto main; when that
 * conflicts, main is merged into the branch and a fixer agent resolves the conflict in the item's
 * worktree, the project's tests run, and the merge is tried again. A person's uncommitted changes in
 * the main checkout are never overwritten: the merge waits and says why.
 *
 * <p>Shared by the item threads of one pipeline run; the lock makes merges one at a time.
 */
final class Merger {
    /** Fixer rounds for one conflict before the item goes to the person. */
    static final int CONFLICT_ROUNDS = 2;

    private static final int DIFF_CHARS = 40_000;
    private static final int OUTPUT_LINES = 60;

    private final PipelineServices services;
    private final Project project;
    private final Git main;
    private final StopSignal stop;
    private final Optional<String> testCommand;
    private final String baseBranch;
    private final Duration poll;
    private final Path logRoot;
    private final ReentrantLock lock = new ReentrantLock();

    /** How a merge ended. */
    sealed interface Result {
        /** The item is on main; {@code commit} is main's new head. */
        record Merged(String commit, boolean resolved) implements Result {}

        /** The conflict could not be resolved; the item's branch keeps its work. */
        record Unresolved(String why, List<String> files) implements Result {}
    }

    Merger(PipelineServices services, Project project, Git main, StopSignal stop, ItemRunner.Settings settings) {
        this.services = services;
        this.project = project;
        this.main = main;
        this.stop = stop;
        this.testCommand = settings.testCommand();
        this.baseBranch = settings.baseBranch();
        this.poll = settings.poll();
        this.logRoot = settings.logRoot();
    }

    /** The lock merges (and worktree changes) of this project take. */
    ReentrantLock lock() {
        return lock;
    }

    /**
     * Puts the item's committed branch on main.
     *
     * @param calls the item's agent calls, run in its worktree
     * @param context the item's prompt context
     * @param firstCycle the item's last review cycle; conflict rounds are recorded as fixer cycles after it
     */
    Result merge(WorkItem item, Git worktree, AgentCalls calls, Map<String, Object> context, int firstCycle)
            throws InterruptedException {
        lock.lockInterruptibly();
        try {
            boolean resolved = false;
            String refused = "";
            while (true) {
                awaitCleanMain(item);
                String base = main.head();
                if (!main.isAncestor(base, worktree.head())) {
                    progress(
                            item,
                            "main moved on; rebasing " + Worktrees.branch(item.key()) + " onto "
                                    + PipelineRun.shortSha(base));
                    if (!worktree.rebase(base)) {
                        Result result = resolve(item, worktree, calls, context, base, firstCycle);
                        if (result instanceof Result.Unresolved) {
                            return result;
                        }
                        resolved = true;
                    }
                }
                String tip = worktree.head();
                Optional<String> refusal = main.fastForward(tip);
                if (refusal.isEmpty()) {
                    return new Result.Merged(tip, resolved);
                }
                // git refused (a change since we looked, a lock left behind, a person's cherry-pick in
                // progress): say so once, look again after a pause
                if (!refusal.get().equals(refused)) {
                    refused = refusal.get();
                    String why = "git refused to fast-forward " + baseBranch + " in " + project.workspace() + " ("
                            + refused + "); it is tried again every " + poll.toSeconds() + " s";
                    progress(item, "passed its review; its merge waits: " + why);
                    services.board().report(project.id(), item.key(), "merge waits: " + why);
                    services.store().note(project.id(), "merge_waiting", Map.of("item", item.key(), "reason", why));
                }
                stop.sleep(poll);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits while the main checkout has uncommitted changes or is on another branch: a merge there
     * would mix the person's work with the item's.
     */
    private void awaitCleanMain(WorkItem item) throws InterruptedException {
        String told = "";
        while (true) {
            Optional<String> branch = main.currentBranch();
            List<String> changed = main.changedFiles();
            String why;
            if (branch.isEmpty() || !branch.get().equals(baseBranch)) {
                why = project.workspace() + " is on "
                        + branch.map(b -> "branch " + b).orElse("a detached HEAD") + ", not " + baseBranch
                        + "; check out " + baseBranch + " there and the merge goes on";
            } else if (!changed.isEmpty()) {
                why = project.workspace() + " has uncommitted changes ("
                        + String.join(", ", changed.subList(0, Math.min(5, changed.size())))
                        + (changed.size() > 5 ? " and " + (changed.size() - 5) + " more" : "")
                        + "); commit or stash them and the merge goes on";
            } else {
                if (!told.isEmpty()) {
                    progress(item, "main is clean again; merging");
                }
                return;
            }
            if (!why.equals(told)) {
                progress(item, "passed its review; its merge waits: " + why);
                services.board().report(project.id(), item.key(), "merge waits: " + why);
                services.store().note(project.id(), "merge_waiting", Map.of("item", item.key(), "reason", why));
                told = why;
            }
            stop.sleep(poll);
        }
    }

    /**
     * Main merged into the branch: conflicts (or tests that fail on the combination) go to the
     * fixer, then the tests run, for at most {@link #CONFLICT_ROUNDS} rounds.
     */
    private Result resolve(
            WorkItem item, Git worktree, AgentCalls calls, Map<String, Object> context, String base, int firstCycle)
            throws InterruptedException {
        String tip = worktree.head();
        String branch = Worktrees.branch(item.key());
        String message = "Merge " + baseBranch + " into " + branch;
        List<String> files;
        String problem;
        if (worktree.merge(base, message)) {
            files = List.of();
            Optional<String> failing = failingTests(item, worktree, 0);
            if (failing.isEmpty()) {
                return new Result.Merged(worktree.head(), false);
            }
            problem = failing.get();
        } else {
            files = worktree.unmergedFiles();
            problem = "";
            services.store().note(project.id(), "merge_conflict", Map.of("item", item.key(), "files", files));
        }
        for (int round = 1; round <= CONFLICT_ROUNDS; round++) {
            boolean conflicted = worktree.merging();
            progress(
                    item,
                    (conflicted
                                    ? "conflicts with " + baseBranch + " in " + String.join(", ", files)
                                    : "tests fail after merging " + baseBranch)
                            + "; fixer resolving (round " + round + "/" + CONFLICT_ROUNDS + ")");
            Map<String, Object> conflict = new LinkedHashMap<>();
            conflict.put("branch", branch);
            conflict.put("round", round);
            conflict.put("rounds", CONFLICT_ROUNDS);
            conflict.put("files", files);
            if (conflicted) {
                conflict.put("diff", worktree.diff(DIFF_CHARS));
            }
            if (!problem.isEmpty()) {
                conflict.put("problem", problem);
            }
            Map<String, Object> fixContext = new HashMap<>(context);
            fixContext.put("conflict", conflict);
            DevResult answer = DevResult.from(calls.call(AgentCalls.Call.mergeFix(item, firstCycle + round, fixContext))
                    .document());
            if (answer.status() == DevResult.Status.BLOCKED) {
                problem = "the fixer is blocked: " + answer.blocker().orElse(answer.summary());
                break;
            }
            if (conflicted) {
                List<String> marked = worktree.filesWithConflictMarkers(files);
                if (!marked.isEmpty()) {
                    problem = "conflict markers are still in " + String.join(", ", marked);
                    continue;
                }
                worktree.commitAll(message + " (conflicts in " + String.join(", ", files) + " resolved)", true);
            } else {
                worktree.commitIfChanged(item.key() + ": fix the tests after merging " + baseBranch);
            }
            Optional<String> failing = failingTests(item, worktree, round);
            if (failing.isEmpty()) {
                progress(
                        item,
                        "merge with " + baseBranch + " resolved"
                                + testCommand.map(c -> ", tests pass").orElse(""));
                return new Result.Merged(worktree.head(), true);
            }
            problem = failing.get();
        }
        worktree.abortMergeOrRebase();
        worktree.resetTo(tip);
        String why = (files.isEmpty()
                        ? "the tests fail after merging " + baseBranch + " into " + branch
                        : "merging " + baseBranch + " into " + branch + " conflicts in " + String.join(", ", files))
                + " and the fixer could not resolve it (" + problem + ")";
        return new Result.Unresolved(why, files);
    }

    /** Runs the project's tests in the worktree; the failure's description, or empty when they pass. */
    private Optional<String> failingTests(WorkItem item, Git worktree, int round) throws InterruptedException {
        if (testCommand.isEmpty()) {
            return Optional.empty();
        }
        progress(item, "running " + testCommand.get() + " on the merge");
        Path log = logRoot.resolve("implement/" + item.key() + "-merge-" + item.attempts() + "-" + round + ".log");
        CommandResult result = new CommandRunner(services.processes())
                .run(
                        Command.of(
                                List.of("/bin/sh", "-c", testCommand.get()),
                                worktree.folder(),
                                log,
                                Duration.ofSeconds(
                                        services.config().phase(PhaseName.TEST).timeoutSeconds())),
                        line -> {});
        if (result.exitCode() == 0 && !result.timedOut()) {
            return Optional.empty();
        }
        List<String> tail = result.tail();
        return Optional.of("the tests (" + testCommand.get() + ") "
                + (result.timedOut() ? "timed out" : "failed with exit " + result.exitCode()) + ":\n"
                + String.join("\n", tail.subList(Math.max(0, tail.size() - OUTPUT_LINES), tail.size())));
    }

    private void progress(WorkItem item, String text) {
        services.listener().progress(project.id(), "[implement] " + item.key() + " " + text);
    }
}
