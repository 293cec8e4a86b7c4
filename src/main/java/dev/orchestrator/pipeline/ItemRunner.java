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
import dev.orchestrator.work.WorkItemStatus;
import dev.orchestrator.workspace.Git;
import dev.orchestrator.workspace.GitException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import tools.jackson.databind.node.ArrayNode;

/**
 * The implement phase: work items in dependency order, each through developer, reviewer and at
 * most {@code max_review_cycles} fix cycles, committed on the main branch as {@code <key>: <title>}
 * when the review passes. A resumed item restores the work tree its last finished step left and
 * goes on from there.
 *
 * <p>Used by the project's pipeline thread only.
 */
final class ItemRunner {
    private final PipelineServices services;
    private final Project project;
    private final Git git;
    private final AgentCalls calls;
    private final StopSignal stop;
    private final BiFunction<PhaseName, Role, Map<String, Object>> baseContext;
    private final int maxCycles;

    ItemRunner(RunScope scope) {
        this.services = scope.services();
        this.project = scope.project();
        this.git = scope.git();
        this.calls = scope.calls();
        this.stop = scope.stop();
        this.baseContext = scope.context();
        this.maxCycles = services.config().phase(PhaseName.IMPLEMENT).maxReviewCycles();
    }

    /** @return completion details, or null when the phase waits for the person's decision */
    Map<String, Object> run() throws InterruptedException {
        applyDecisions();
        while (true) {
            stop.check();
            Optional<WorkItem> next = services.work().next(project.id());
            if (next.isEmpty()) {
                break;
            }
            try {
                runItem(next.get());
            } catch (AgentPause e) {
                if (e.kind() != AgentPause.Kind.GAVE_UP) {
                    throw e;
                }
                escalate(next.get(), e.getMessage());
                if (services.config().autonomy() == Autonomy.CHECKPOINT) {
                    break; // the person decides now, with the diagnosis in front of them
                }
            }
        }
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
     * Carries out the person's decisions about items that needed attention. In full autonomy a new
     * run of the phase (the person's /resume) retries them.
     */
    private void applyDecisions() {
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
                accept(item);
            } else if (status != Approval.Status.PENDING && services.config().autonomy() == Autonomy.FULL) {
                services.work().retry(item.id(), "");
            }
        }
    }

    /**
     * Commits the item's last work as it is, without a passing review, because the person said so.
     * Work that no longer applies (a later item changed the same lines) goes back to the person.
     */
    private void accept(WorkItem item) {
        List<Step> steps = services.store().steps(item.id(), item.attempts());
        Optional<String> snapshot = lastSnapshot(steps);
        try {
            snapshot.ifPresent(s -> git.apply(item.startCommit().orElseThrow(), s));
        } catch (GitException e) {
            String why = "accepting it as it is failed: " + e.getMessage();
            ArrayNode findings = item.findings()
                    .map(json -> (ArrayNode) AgentCalls.JSON.readTree(json))
                    .orElseGet(AgentCalls.JSON::createArrayNode);
            findings.addObject().put("severity", "blocker").put("path", "").put("message", why);
            services.work()
                    .needsAttention(item.id(), AgentCalls.JSON.writeValueAsString(findings), why, item.reviewCycles());
            progress(item.key() + " cannot be accepted as it is (" + e.getMessage() + "); it needs a new decision");
            return;
        }
        String commit = git.commitAll(item.key() + ": " + item.title() + " (accepted without a passing review)", true);
        services.work().complete(item.id(), commit, item.reviewCycles());
        progress(item.key() + " accepted as it is (commit " + PipelineRun.shortSha(commit) + ")");
    }

    private void runItem(WorkItem picked) throws InterruptedException {
        boolean interrupted = picked.status() == WorkItemStatus.IN_PROGRESS;
        WorkItem item = interrupted ? picked : services.work().claim(picked.id(), git.head());
        String start = item.startCommit().orElseThrow();
        if (interrupted && alreadyCommitted(item, start)) {
            return;
        }
        List<Step> steps = services.store().steps(item.id(), item.attempts());
        if (interrupted) {
            git.resetTo(start);
            lastSnapshot(steps).ifPresent(snapshot -> git.restore(start, snapshot));
            progress(item.key() + " resumed after " + steps.size()
                    + (steps.size() == 1 ? " finished step" : " finished steps"));
        } else {
            progress(item.label() + ": developer at work");
        }
        Map<String, Object> context = itemContext(item, interrupted);
        DevResult dev =
                DevResult.from(step(steps, item, Role.DEVELOPER, 0, "implement/develop", Contract.DEV_RESULT, context));
        if (dev.status() == DevResult.Status.BLOCKED) {
            String blocker = dev.blocker().orElse(dev.summary());
            String findings = AgentCalls.JSON.writeValueAsString(
                    List.of(Map.of("severity", "blocker", "path", "", "message", "developer blocked: " + blocker)));
            services.work().needsAttention(item.id(), findings, "developer blocked: " + blocker, 0);
            git.resetTo(start);
            progress(item.key() + " blocked: " + blocker);
            return;
        }
        context.put("dev", Map.of("summary", dev.summary(), "files", dev.files()));
        Review review = Review.from(step(steps, item, Role.REVIEWER, 0, "implement/review", Contract.REVIEW, context));
        int cycle = 0;
        while (review.status() == Review.Status.FAIL && cycle < maxCycles) {
            cycle++;
            progress(item.key() + " review: fail (" + describe(review.findings()) + "), fixing (cycle " + cycle + "/"
                    + maxCycles + ")");
            context.put("findings", findings(review.findings()));
            context.put("cycle", cycle);
            step(steps, item, Role.FIXER, cycle, "implement/fix", Contract.DEV_RESULT, context);
            review = Review.from(step(steps, item, Role.REVIEWER, cycle, "implement/review", Contract.REVIEW, context));
        }
        if (review.status() == Review.Status.PASS) {
            String commit = git.commitAll(item.key() + ": " + item.title(), true);
            services.work().complete(item.id(), commit, cycle);
            progress(item.key() + " review: pass" + (cycle > 0 ? " after " + cycles(cycle) : "") + ", committed "
                    + PipelineRun.shortSha(commit));
            return;
        }
        String findings = AgentCalls.JSON.writeValueAsString(findings(review.findings()));
        services.work()
                .needsAttention(
                        item.id(),
                        findings,
                        "review still fails after " + cycles(cycle) + " (" + describe(review.findings()) + ")",
                        cycle);
        git.resetTo(start);
        progress(item.key() + " needs attention: review still fails after " + cycles(cycle) + " ("
                + describe(review.findings()) + "); items that depend on it wait");
    }

    /**
     * The agent gave up on the item after its retries: the item needs attention with the diagnosis
     * as its finding, its unfinished changes are set aside, and items that do not depend on it go on.
     */
    private void escalate(WorkItem picked, String diagnosis) {
        WorkItem item = services.work().items(project.id()).stream()
                .filter(i -> i.id() == picked.id())
                .findFirst()
                .orElse(picked);
        String findings = AgentCalls.JSON.writeValueAsString(
                List.of(Map.of("severity", "blocker", "path", "", "message", "agent gave up: " + diagnosis)));
        services.work().needsAttention(item.id(), findings, "agent gave up: " + diagnosis, item.reviewCycles());
        item.startCommit().ifPresent(git::resetTo);
        progress(item.key() + " needs attention: " + diagnosis
                + (services.config().autonomy() == Autonomy.FULL ? "; items that do not depend on it go on" : ""));
    }

    /** The work tree the last step that changed it left (reviewers leave none). */
    private static Optional<String> lastSnapshot(List<Step> steps) {
        return steps.stream().map(Step::snapshot).flatMap(Optional::stream).reduce((first, second) -> second);
    }

    /** A crash between the item's commit and its record: the commit is there, so record it. */
    private boolean alreadyCommitted(WorkItem item, String start) {
        String head = git.head();
        if (!head.equals(start) && git.subject(head).equals(item.key() + ": " + item.title())) {
            services.work().complete(item.id(), head, item.reviewCycles());
            progress(item.key() + " was committed before the interruption; recorded as done");
            return true;
        }
        return false;
    }

    /** The finished step's answer, or a new call when this step has not finished yet. */
    private tools.jackson.databind.JsonNode step(
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
        if (role == Role.REVIEWER) {
            progress(item.key() + " review" + (cycle > 0 ? " (cycle " + cycle + ")" : ""));
        }
        return calls.call(new AgentCalls.Call(
                        role,
                        PhaseName.IMPLEMENT,
                        template,
                        contract,
                        context,
                        Optional.of(item.id()),
                        Optional.of(item.key()),
                        item.attempts(),
                        cycle,
                        false,
                        // A reviewer reads and runs tests; it does not change the work, so the
                        // work tree to restore is the one the last developer or fixer left.
                        role != Role.REVIEWER))
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

    private static List<Map<String, Object>> findings(List<Finding> findings) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (Finding f : findings) {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("severity", f.severity().name().toLowerCase(java.util.Locale.ROOT));
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
            counts.merge(f.severity().name().toLowerCase(java.util.Locale.ROOT), 1, Integer::sum);
        }
        if (counts.isEmpty()) {
            return "no findings";
        }
        List<String> parts = new ArrayList<>();
        counts.forEach((severity, n) -> parts.add(
                n + " " + severity + (n > 1 && !severity.equals("minor") && !severity.equals("major") ? "s" : "")));
        return String.join(", ", parts);
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

    static String cycles(int n) {
        return n + (n == 1 ? " fix cycle" : " fix cycles");
    }
}
