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
import java.util.ArrayList;
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
 * worktree, the project's tests run, and the merge is tried again.
 *
 * <p>A person's work in the main checkout is never overwritten, and only what is in the way stops
 * a merge: git decides file by file, so changed, staged and untracked files the merge does not
 * touch stay as they are and the merge goes ahead. The merge waits, and says why, while the
 * checkout is on another branch, while git would overwrite some of the person's files (named), or
 * while git refuses for another reason (a lock, a cherry-pick in progress). With a person at a
 * prompt it waits as long as it takes; in a run with no one there ({@link
 * PipelineServices#unattended}) a wait longer than {@code phases.implement.merge_wait_seconds}
 * pauses the project ({@link MergePause}) with what to do.
 *
 * <p>Shared by the item threads of one pipeline run; the lock makes merges one at a time, and
 * guards {@link #paused}.
 */
final class Merger {
    /** Fixer rounds for one conflict before the item goes to the person. */
    static final int CONFLICT_ROUNDS = 2;

    private static final int DIFF_CHARS = 40_000;
    private static final int OUTPUT_LINES = 60;
    /** Files named in a message about what is in a merge's way; the rest are counted. */
    private static final int FILES_NAMED = 10;

    private final PipelineServices services;
    private final Project project;
    private final Git main;
    private final StopSignal stop;
    private final Optional<String> testCommand;
    private final String baseBranch;
    private final Duration poll;
    private final Path logRoot;
    /** How long a merge may wait for the person; empty when a person is at a prompt (it waits on). */
    private final Optional<Duration> patience;
    /** What the person runs to carry the run on after a pause. */
    private final String carryOn;

    private final ReentrantLock lock = new ReentrantLock();
    /** Whether a merge of this run has paused the project: a later one that would wait pauses at once. */
    private boolean paused;

    /** How a merge ended. */
    sealed interface Result {
        /** The item is on main; {@code commit} is main's new head. */
        record Merged(String commit, boolean resolved) implements Result {}

        /** The conflict could not be resolved; the item's branch keeps its work. */
        record Unresolved(String why, List<String> files) implements Result {}
    }

    /**
     * What keeps a merge from landing, and what the person does about it.
     *
     * @param what the obstacle, e.g. {@code merging would overwrite your uncommitted changes in a.py (in /repo)}
     * @param fix what to do, e.g. {@code commit or stash them}
     */
    private record Obstacle(String what, String fix) {
        /** For a person at a prompt: the merge goes on by itself once they have done it. */
        String waiting() {
            return what + "; " + fix + " and the merge goes on";
        }
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
        this.patience = services.unattended()
                ? Optional.of(Duration.ofSeconds(
                        services.config().phase(PhaseName.IMPLEMENT).mergeWaitSeconds()))
                : Optional.empty();
        this.carryOn = services.store()
                .repoRun(project.id())
                .map(run -> "run the same command again (orchestrator run --milestone=" + run.milestone()
                        + run.issue().map(issue -> " --issue=" + issue).orElse("") + ")")
                .orElse("run orchestrator --resume " + project.id());
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
     * @throws MergePause when no one is at a prompt and the merge has waited for the person too long
     */
    Result merge(WorkItem item, Git worktree, AgentCalls calls, Map<String, Object> context, int firstCycle)
            throws InterruptedException {
        lock.lockInterruptibly();
        try {
            Waiting waiting = new Waiting(item);
            boolean resolved = false;
            while (true) {
                Optional<Obstacle> elsewhere = elsewhere();
                if (elsewhere.isPresent()) {
                    waiting.on(elsewhere.get());
                    continue;
                }
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
                switch (main.fastForward(tip)) {
                    case Git.FastForward.Moved moved -> {
                        waiting.over();
                        return new Result.Merged(tip, resolved);
                    }
                    case Git.FastForward.WouldOverwrite files -> waiting.on(overwrite(files));
                    case Git.FastForward.Refused refused -> {
                        if (!main.head().equals(base)) {
                            continue; // the person committed meanwhile: rebase onto that first
                        }
                        // a lock left behind, a person's cherry-pick in progress
                        waiting.on(refusal(refused.said()));
                    }
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** The main checkout is on another branch or detached: a merge there would land on the wrong branch. */
    private Optional<Obstacle> elsewhere() {
        Optional<String> branch = main.currentBranch();
        if (branch.isPresent() && branch.get().equals(baseBranch)) {
            return Optional.empty();
        }
        return Optional.of(new Obstacle(
                project.workspace() + " is on " + branch.map(b -> "branch " + b).orElse("a detached HEAD") + ", not "
                        + baseBranch,
                "check out " + baseBranch + " there"));
    }

    private Obstacle overwrite(Git.FastForward.WouldOverwrite files) {
        List<String> parts = new ArrayList<>();
        if (!files.changed().isEmpty()) {
            parts.add("your uncommitted changes in " + named(files.changed()));
        }
        if (!files.untracked().isEmpty()) {
            parts.add("your untracked " + (files.untracked().size() == 1 ? "file " : "files ")
                    + named(files.untracked()));
        }
        String fix;
        if (files.untracked().isEmpty()) {
            fix = "commit or stash them";
        } else if (files.changed().isEmpty()) {
            fix = "commit, move or remove " + (files.untracked().size() == 1 ? "it" : "them");
        } else {
            fix = "commit them, or stash them with git stash -u";
        }
        return new Obstacle(
                "merging would overwrite " + String.join(" and ", parts) + " (in " + project.workspace() + ")", fix);
    }

    private Obstacle refusal(String said) {
        String first = said.lines().filter(line -> !line.isBlank()).findFirst().orElse(said);
        return new Obstacle(
                "git refused to fast-forward " + baseBranch + " in " + project.workspace() + " (" + first + ")",
                "clear what is in git's way there (a lock left behind, a cherry-pick or merge in progress)");
    }

    private static String named(List<String> files) {
        return String.join(", ", files.subList(0, Math.min(FILES_NAMED, files.size())))
                + (files.size() > FILES_NAMED ? " and " + (files.size() - FILES_NAMED) + " more" : "");
    }

    /**
     * One merge's wait for the person: said once for each obstacle (on the item's line, its activity
     * and as a {@code merge_waiting} event), looked at again every {@code poll}, and limited in a
     * run with no one at a prompt. Used by the item's thread while it holds the merge lock.
     */
    private final class Waiting {
        private final WorkItem item;
        private String told = "";
        private long since;

        Waiting(WorkItem item) {
            this.item = item;
        }

        void on(Obstacle obstacle) throws InterruptedException {
            String why = obstacle.waiting();
            if (told.isEmpty()) {
                since = System.nanoTime();
            }
            if (!why.equals(told)) {
                told = why;
                progress(item, "passed its review; its merge waits: " + why);
                services.board().report(project.id(), item.key(), "merge waits: " + why);
                services.store().note(project.id(), "merge_waiting", Map.of("item", item.key(), "reason", why));
            }
            if (patience.isPresent()
                    && (paused || System.nanoTime() - since >= patience.get().toNanos())) {
                paused = true;
                throw new MergePause(pause(obstacle));
            }
            stop.sleep(poll);
        }

        void over() {
            if (!told.isEmpty()) {
                progress(item, "nothing is in its way any more; merging");
            }
        }

        /** What the person reads when the run ends: what is in the way, what to do, and how to carry on. */
        private String pause(Obstacle obstacle) {
            String fix = obstacle.fix();
            return item.key() + " passed its review, but its merge into " + baseBranch + " waited "
                    + patience.orElseThrow().toSeconds() + " s (phases.implement.merge_wait_seconds) with no one"
                    + " at a prompt: " + obstacle.what() + ". " + Character.toUpperCase(fix.charAt(0))
                    + fix.substring(1) + ", then " + carryOn + "; the reviewed work is on branch "
                    + Worktrees.branch(item.key()) + " and only its merge is left.";
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
