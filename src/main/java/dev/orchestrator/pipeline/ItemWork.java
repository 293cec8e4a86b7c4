package dev.orchestrator.pipeline;

import dev.orchestrator.agent.Role;
import dev.orchestrator.config.Autonomy;
import dev.orchestrator.config.PhaseName;
import dev.orchestrator.contract.Contract;
import dev.orchestrator.contract.DevResult;
import dev.orchestrator.contract.Finding;
import dev.orchestrator.contract.Review;
import dev.orchestrator.project.Project;
import dev.orchestrator.work.WorkItem;
import dev.orchestrator.workspace.Git;
import dev.orchestrator.workspace.GitException;
import dev.orchestrator.workspace.Worktrees;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;

/**
 * One work item from its claim to its end, in its own worktree on its own branch: developer,
 * reviewer and at most {@code max_review_cycles} fix cycles; a passing item is committed as
 * {@code <key>: <title>} on its branch and merged into main by the {@link Merger}. A resumed item
 * restores the work tree its last finished step left and goes on from there; one that passed its
 * review before the interruption only merges.
 *
 * <p>Shared by the item threads of one pipeline run: each call works on its own item and worktree;
 * commands that add or remove worktrees and branches take the {@code admin} lock.
 */
final class ItemWork {
    private final PipelineServices services;
    private final Project project;
    private final Git main;
    private final StopSignal stop;
    private final Adoptions adoptions;
    private final BiFunction<PhaseName, Role, Map<String, Object>> baseContext;
    private final int maxCycles;
    private final Worktrees worktrees;
    private final Merger merger;
    private final ReentrantLock admin;
    private final ItemRunner.Settings settings;
    private final Executor background;

    /** @param background where a merged item's worktree is removed, so its dependents can start meanwhile */
    ItemWork(
            RunScope scope,
            Worktrees worktrees,
            Merger merger,
            ReentrantLock admin,
            ItemRunner.Settings settings,
            Executor background) {
        this.services = scope.services();
        this.project = scope.project();
        this.main = scope.git();
        this.stop = scope.stop();
        this.adoptions = scope.adoptions();
        this.baseContext = scope.context();
        this.maxCycles = services.config().phase(PhaseName.IMPLEMENT).maxReviewCycles();
        this.worktrees = worktrees;
        this.merger = merger;
        this.admin = admin;
        this.settings = settings;
        this.background = background;
    }

    /**
     * Makes way for a fresh attempt at an item: a worktree left from an earlier attempt has its
     * changes committed on its branch and is removed; that branch is deleted if main has all of it,
     * else renamed {@code orchestrator/<key>-attempt-<n>} so its commits stay.
     */
    void prepare(WorkItem item) {
        admin(() -> {
            String branch = Worktrees.branch(item.key());
            worktrees.existing(item.key()).ifPresent(old -> park(item, old, "left by an earlier attempt"));
            if (main.branchHead(branch).isPresent() && !main.deleteBranchIfMerged(branch, base())) {
                String kept = branch + "-attempt-" + Math.max(1, item.attempts());
                for (int n = 2; main.branchHead(kept).isPresent(); n++) {
                    kept = branch + "-attempt-" + Math.max(1, item.attempts()) + "-" + n;
                }
                main.renameBranch(branch, kept);
                progress(item.key() + ": the earlier attempt's work stays on branch " + kept);
            }
            return null;
        });
    }

    /**
     * Runs a claimed item to its end: merged into main, or needing attention with its work kept on
     * its branch.
     *
     * @param interrupted whether an earlier run was interrupted in the middle of the item
     * @return whether the agent gave up on the item (it now needs attention)
     */
    boolean run(WorkItem item, boolean interrupted) throws InterruptedException {
        String start = item.startCommit().orElseThrow();
        Git worktree = admin(() -> worktrees.open(item.key(), start));
        AgentCalls calls = new AgentCalls(services, project, worktree, stop, adoptions, settings.logRoot());
        Map<String, Object> context = itemContext(item, interrupted);
        services.board().report(project.id(), item.key(), interrupted ? "resuming" : "developer at work");
        try {
            develop(item, worktree, calls, context, interrupted);
            return false;
        } catch (AgentPause e) {
            if (e.kind() != AgentPause.Kind.GAVE_UP) {
                throw e;
            }
            escalate(item, worktree, e.getMessage());
            return true;
        } finally {
            services.board().clear(project.id(), item.key());
        }
    }

    private void develop(
            WorkItem item, Git worktree, AgentCalls calls, Map<String, Object> context, boolean interrupted)
            throws InterruptedException {
        String start = item.startCommit().orElseThrow();
        String subject = item.key() + ": " + item.title();
        List<Step> steps = services.store().steps(item.id(), item.attempts());
        boolean adopted = adoptions.pending(project.id(), PhaseName.IMPLEMENT, Optional.of(item.id()));
        if (interrupted) {
            if (adopted) {
                // its agent kept working here while no Orchestrator watched: nothing touches the
                // worktree until it has ended (it is followed meanwhile)
                adoptions.settle(project.id(), PhaseName.IMPLEMENT, Optional.of(item.id()));
            }
            Optional<String> reviewed = worktree.commitWithSubject(start, worktree.head(), subject);
            if (reviewed.isPresent() && adopted) {
                // a merge's fixer: the landing starts over from the reviewed commit, so its work goes;
                // its call is recorded as interrupted, and the next fixer continues its session
                adoptions.discard(
                        project.id(),
                        PhaseName.IMPLEMENT,
                        Optional.of(item.id()),
                        "the merge starts over from the reviewed commit");
            }
            worktree.abortMergeOrRebase();
            if (reviewed.isPresent()) {
                int cycles = lastReviewCycle(steps);
                String base = base();
                if (main.isAncestor(worktree.head(), base)) {
                    finished(item, base, cycles, "was merged before the interruption; recorded as done");
                } else {
                    // back to the reviewed commit: a merge resolved before the interruption may not
                    // have passed its tests yet, so the landing starts over
                    progress(item.key() + " passed its review before the interruption; merging it");
                    worktree.resetTo(reviewed.get());
                    land(item, worktree, calls, context, cycles, "");
                }
                return;
            }
            if (adopted) {
                // its agent kept working here while no Orchestrator watched: the work tree is its
                // work, and the step it belongs to takes its answer
                progress(item.key() + " resumed in its worktree after " + steps.size()
                        + (steps.size() == 1 ? " finished step" : " finished steps")
                        + "; its agent's work there is kept");
            } else {
                worktree.resetTo(start);
                lastSnapshot(steps).ifPresent(snapshot -> worktree.restore(start, snapshot));
                progress(item.key() + " resumed in its worktree after " + steps.size()
                        + (steps.size() == 1 ? " finished step" : " finished steps"));
            }
        } else {
            progress(item.label() + ": developer at work in " + Worktrees.branch(item.key()));
        }
        DevResult dev = DevResult.from(
                step(calls, steps, item, Role.DEVELOPER, 0, "implement/develop", Contract.DEV_RESULT, context));
        if (dev.status() == DevResult.Status.BLOCKED) {
            String blocker = "developer blocked: " + dev.blocker().orElse(dev.summary());
            services.work().needsAttention(item.id(), blockerFinding(List.of(), blocker), blocker, 0);
            park(item, worktree, "the developer was blocked");
            progress(item.key() + " " + blocker);
            return;
        }
        context.put("dev", Map.of("summary", dev.summary(), "files", dev.files()));
        Review review =
                Review.from(step(calls, steps, item, Role.REVIEWER, 0, "implement/review", Contract.REVIEW, context));
        int cycle = 0;
        while (review.status() == Review.Status.FAIL && cycle < maxCycles) {
            cycle++;
            progress(item.key() + " review: fail (" + describe(review.findings()) + "), fixing (cycle " + cycle + "/"
                    + maxCycles + ")");
            context.put("findings", findings(review.findings()));
            context.put("cycle", cycle);
            step(calls, steps, item, Role.FIXER, cycle, "implement/fix", Contract.DEV_RESULT, context);
            review = Review.from(
                    step(calls, steps, item, Role.REVIEWER, cycle, "implement/review", Contract.REVIEW, context));
        }
        if (review.status() == Review.Status.PASS) {
            worktree.commitAll(subject, true);
            land(item, worktree, calls, context, cycle, cycle > 0 ? " after " + cycles(cycle) : "");
            return;
        }
        String findings = AgentCalls.JSON.writeValueAsString(findings(review.findings()));
        services.work()
                .needsAttention(
                        item.id(),
                        findings,
                        "review still fails after " + cycles(cycle) + " (" + describe(review.findings()) + ")",
                        cycle);
        park(item, worktree, "review did not pass");
        progress(item.key() + " needs attention: review still fails after " + cycles(cycle) + " ("
                + describe(review.findings()) + "); its work stays on branch " + Worktrees.branch(item.key())
                + "; items that depend on it wait");
    }

    /** Merges the item's committed branch into main and records the outcome. */
    private void land(
            WorkItem item, Git worktree, AgentCalls calls, Map<String, Object> context, int cycles, String how)
            throws InterruptedException {
        if (!settings.merge()) {
            services.work().complete(item.id(), worktree.head(), cycles);
            admin(() -> {
                removeWorktree(item.key());
                return null;
            });
            progress(item.key() + " review: pass" + how + "; the reviewed work is on branch "
                    + Worktrees.branch(item.key()) + " (merging is off)");
            return;
        }
        services.board().report(project.id(), item.key(), "merging into " + settings.baseBranch());
        Merger.Result result = merger.merge(item, worktree, calls, context, cycles);
        switch (result) {
            case Merger.Result.Merged merged ->
                finished(
                        item,
                        merged.commit(),
                        cycles,
                        "review: pass" + how + ", merged into " + settings.baseBranch() + " as "
                                + PipelineRun.shortSha(merged.commit())
                                + (merged.resolved() ? " (conflict resolved by the fixer)" : ""));
            case Merger.Result.Unresolved unresolved -> {
                services.work()
                        .needsAttention(
                                item.id(),
                                blockerFinding(unresolved.files(), unresolved.why()),
                                "merge conflict: " + unresolved.why(),
                                cycles);
                admin(() -> {
                    removeWorktree(item.key());
                    return null;
                });
                progress(item.key() + " needs attention: " + unresolved.why() + "; its work stays on branch "
                        + Worktrees.branch(item.key()));
            }
        }
    }

    /**
     * The item is on main: recorded as done (which releases its dependents), then its worktree and
     * merged branch go, in the background. Should that fail or be cut short, the orphan clean-up at
     * the next start finishes it.
     */
    private void finished(WorkItem item, String commit, int cycles, String what) {
        services.work().complete(item.id(), commit, cycles);
        progress(item.key() + " " + what);
        background.execute(() -> admin(() -> {
            try {
                removeWorktree(item.key());
                main.deleteBranchIfMerged(Worktrees.branch(item.key()), base());
            } catch (GitException e) {
                progress(item.key() + ": could not remove its worktree (" + e.getMessage()
                        + "); the next start sets it aside");
            }
            return null;
        }));
    }

    /**
     * The agent gave up on the item after its retries: the item needs attention with the diagnosis
     * as its finding, its unfinished changes are kept on its branch, and items that do not depend on
     * it go on.
     */
    private void escalate(WorkItem picked, Git worktree, String diagnosis) {
        WorkItem item = services.work().find(picked.id()).orElse(picked);
        services.work()
                .needsAttention(
                        item.id(),
                        blockerFinding(List.of(), "agent gave up: " + diagnosis),
                        "agent gave up: " + diagnosis,
                        item.reviewCycles());
        park(item, worktree, "the agent gave up");
        progress(item.key() + " needs attention: " + diagnosis
                + (services.config().autonomy() == Autonomy.FULL ? "; items that do not depend on it go on" : ""));
    }

    /**
     * Commits whatever the worktree holds on the item's branch (so nothing is lost and a person can
     * look at it with {@code git log orchestrator/<key>}), then removes the worktree.
     */
    private void park(WorkItem item, Git worktree, String why) {
        admin(() -> {
            try {
                worktree.abortMergeOrRebase();
                if (worktree.hasChanges()) {
                    worktree.commitAll(item.key() + ": unfinished work (" + why + ")", false);
                }
                removeWorktree(item.key());
            } catch (GitException e) {
                // The worktree stays as it is; the orphan clean-up at the next start tries again.
                progress(item.key() + ": could not set its worktree aside (" + e.getMessage() + "); it stays in "
                        + worktree.folder());
            }
            return null;
        });
    }

    /**
     * Commits the item's last work as it is, without a passing review, because the person said so:
     * applied onto main in a fresh worktree and merged like a passing item. Work that no longer
     * applies (a later item changed the same lines) goes back to the person.
     */
    void accept(WorkItem item) throws InterruptedException {
        List<Step> steps = services.store().steps(item.id(), item.attempts());
        Optional<String> snapshot = lastSnapshot(steps);
        prepare(item);
        String base = base();
        Git worktree = admin(() -> worktrees.open(item.key(), base));
        try {
            snapshot.ifPresent(s -> worktree.apply(item.startCommit().orElseThrow(), s));
        } catch (GitException e) {
            String why = "accepting it as it is failed: " + e.getMessage();
            ArrayNode findings = item.findings()
                    .map(json -> (ArrayNode) AgentCalls.JSON.readTree(json))
                    .orElseGet(AgentCalls.JSON::createArrayNode);
            findings.addObject().put("severity", "blocker").put("path", "").put("message", why);
            services.work()
                    .needsAttention(item.id(), AgentCalls.JSON.writeValueAsString(findings), why, item.reviewCycles());
            admin(() -> {
                removeWorktree(item.key());
                return null;
            });
            progress(item.key() + " cannot be accepted as it is (" + e.getMessage() + "); it needs a new decision");
            return;
        }
        worktree.commitAll(item.key() + ": " + item.title() + " (accepted without a passing review)", true);
        land(
                item,
                worktree,
                new AgentCalls(services, project, worktree, stop, adoptions, settings.logRoot()),
                itemContext(item, false),
                item.reviewCycles(),
                " (accepted as it is)");
    }

    /** The finished step's answer, or a new call when this step has not finished yet. */
    private JsonNode step(
            AgentCalls calls,
            List<Step> steps,
            WorkItem item,
            Role role,
            int cycle,
            String template,
            Contract contract,
            Map<String, Object> context)
            throws InterruptedException {
        for (Step step : steps) {
            if (step.role() == role && step.cycle() == cycle) {
                return AgentCalls.JSON.readTree(step.output());
            }
        }
        stop.check();
        String doing = role.wireName() + (cycle > 0 ? " (cycle " + cycle + ")" : "") + " at work";
        services.board().report(project.id(), item.key(), doing);
        if (role == Role.REVIEWER) {
            progress(item.key() + " review" + (cycle > 0 ? " (cycle " + cycle + ")" : ""));
        }
        return calls.call(AgentCalls.Call.itemStep(role, item, cycle, template, contract, context))
                .document();
    }

    private Map<String, Object> itemContext(WorkItem item, boolean interrupted) {
        Map<String, Object> context = new HashMap<>(baseContext.apply(PhaseName.IMPLEMENT, Role.DEVELOPER));
        context.put(
                "item",
                Map.of(
                        "key", item.key(),
                        "title", item.title(),
                        "description", item.description(),
                        "acceptance", item.acceptance(),
                        "dependsOn", item.dependsOn()));
        item.guidance().ifPresent(g -> context.put("guidance", g));
        context.put("interrupted", interrupted);
        context.put("maxCycles", maxCycles);
        context.put("cycle", 0);
        return context;
    }

    /** The work tree the last step that changed it left (reviewers leave none). */
    static Optional<String> lastSnapshot(List<Step> steps) {
        return steps.stream().map(Step::snapshot).flatMap(Optional::stream).reduce((first, second) -> second);
    }

    private static int lastReviewCycle(List<Step> steps) {
        return steps.stream()
                .filter(s -> s.role() == Role.REVIEWER)
                .mapToInt(Step::cycle)
                .max()
                .orElse(0);
    }

    private static String blockerFinding(List<String> files, String message) {
        return AgentCalls.JSON.writeValueAsString(
                List.of(Map.of("severity", "blocker", "path", String.join(", ", files), "message", message)));
    }

    private static List<Map<String, Object>> findings(List<Finding> findings) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (Finding f : findings) {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("severity", f.severity().name().toLowerCase(Locale.ROOT));
            map.put("path", f.path());
            map.put("line", f.line().isPresent() ? String.valueOf(f.line().getAsInt()) : "");
            map.put("message", f.message());
            list.add(map);
        }
        return list;
    }

    static String describe(List<Finding> findings) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (Finding f : findings) {
            counts.merge(f.severity().name().toLowerCase(Locale.ROOT), 1, Integer::sum);
        }
        if (counts.isEmpty()) {
            return "no findings";
        }
        List<String> parts = new ArrayList<>();
        counts.forEach((severity, n) -> parts.add(
                n + " " + severity + (n > 1 && !severity.equals("minor") && !severity.equals("major") ? "s" : "")));
        return String.join(", ", parts);
    }

    static String cycles(int n) {
        return n + (n == 1 ? " fix cycle" : " fix cycles");
    }

    /**
     * The commit items start from and merge into: the base branch's head, wherever the main
     * checkout's HEAD points (a person may have another branch checked out there for a while).
     */
    String base() {
        return main.branchHead(settings.baseBranch()).orElseGet(main::head);
    }

    /**
     * The item's worktree goes (its branch stays), and with it the CLI state its agents kept (the
     * item's lane): its calls are over. Called under the admin lock.
     */
    private void removeWorktree(String key) {
        worktrees.remove(key);
        AgentCalls.forgetLane(services, project, key);
    }

    private <T> T admin(Supplier<T> action) {
        admin.lock();
        try {
            return action.get();
        } finally {
            admin.unlock();
        }
    }

    private void progress(String text) {
        services.listener().progress(project.id(), "[implement] " + text);
    }
}
