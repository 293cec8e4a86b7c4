package dev.orchestrator.pipeline;

import dev.orchestrator.config.PhaseName;
import dev.orchestrator.contract.Contract;
import dev.orchestrator.contract.Validation;
import dev.orchestrator.project.ProjectId;
import dev.orchestrator.work.WorkItem;
import java.util.List;
import java.util.Optional;

/**
 * What the person decides: approvals, rejections with feedback, edits, answers to questions, and
 * what to do with a work item that did not converge. Each decision is recorded durably; the
 * caller then resumes the pipeline.
 */
public final class Decisions {
    private final PipelineServices services;

    public Decisions(PipelineServices services) {
        this.services = services;
    }

    /** What a project waits for from the person. */
    public sealed interface Pending {
        ProjectId project();

        /** Approve a planning phase's output. */
        record PhaseApproval(ProjectId project, Approval approval, Contract contract, String document)
                implements Pending {}

        /** Approve the work of a phase that produces no document (initialize, implement, test, deploy). */
        record PhaseReview(ProjectId project, Approval approval) implements Pending {}

        /** Decide about a work item that did not converge. */
        record ItemDecision(ProjectId project, Approval approval, WorkItem item) implements Pending {}

        /** Answer the open questions of a phase. */
        record Questions(ProjectId project, PhaseName phase, List<Clarification> open) implements Pending {}
    }

    /** The first thing the project waits for, if anything. */
    public Optional<Pending> pending(ProjectId project) {
        for (Approval approval : services.store().pendingApprovals(project)) {
            if (approval.kind() == Approval.Kind.ITEM) {
                Optional<WorkItem> item = approval.itemId().flatMap(services.work()::find);
                if (item.isPresent()) {
                    return Optional.of(new Pending.ItemDecision(project, approval, item.get()));
                }
                continue;
            }
            Optional<String> candidate = services.store().candidate(project, approval.phase());
            if (candidate.isPresent() && PipelineRun.isPlanning(approval.phase())) {
                return Optional.of(
                        new Pending.PhaseApproval(project, approval, contractOf(approval.phase()), candidate.get()));
            }
            if (!PipelineRun.isPlanning(approval.phase())) {
                return Optional.of(new Pending.PhaseReview(project, approval));
            }
        }
        for (PhaseName phase : List.of(PhaseName.IDEATION, PhaseName.ARCHITECTURE)) {
            List<Clarification> open = services.store().clarifications(project, phase).stream()
                    .filter(q -> !q.answered())
                    .toList();
            if (!open.isEmpty()) {
                return Optional.of(new Pending.Questions(project, phase, open));
            }
        }
        return Optional.empty();
    }

    /** Approves a phase: its output (planning) or what it did (work phases). */
    public void approve(Approval approval) {
        services.store().decide(approval.id(), Approval.Status.APPROVED, Optional.empty());
    }

    /** Sends a phase back: it runs again with the feedback in its prompts. */
    public void reject(Approval approval, String feedback) {
        services.store().decide(approval.id(), Approval.Status.REJECTED, Optional.of(feedback));
    }

    public void approve(Pending.PhaseApproval pending) {
        approve(pending.approval());
    }

    public void reject(Pending.PhaseApproval pending, String feedback) {
        reject(pending.approval(), feedback);
    }

    /**
     * Replaces the output with the person's edit and approves it.
     *
     * @return the validator's problems; empty when the edit was accepted
     */
    public List<String> edit(Pending.PhaseApproval pending, String editedJson) {
        Validation validation = services.contracts().validate(pending.contract(), editedJson);
        if (validation instanceof Validation.Invalid invalid) {
            return invalid.problems();
        }
        String json = AgentCalls.JSON.writeValueAsString(((Validation.Valid) validation).document());
        // Decided first: a decision already made refuses the edit before the output changes.
        services.store().decide(pending.approval().id(), Approval.Status.APPROVED, Optional.of("edited by the person"));
        services.store()
                .storeCandidate(pending.project(), pending.approval().phase(), pending.contract(), json, "edit");
        return List.of();
    }

    /** Retry (with guidance), skip, or accept the item as it is. */
    public void decideItem(Pending.ItemDecision pending, Approval.Status decision, String guidance) {
        if (decision != Approval.Status.RETRY
                && decision != Approval.Status.SKIP
                && decision != Approval.Status.ACCEPT) {
            throw new IllegalArgumentException("not an item decision: " + decision);
        }
        services.store()
                .decide(pending.approval().id(), decision, Optional.of(guidance).filter(g -> !g.isBlank()));
    }

    public void answer(Clarification question, String answer) {
        services.store().answer(question.id(), answer, false);
    }

    static Contract contractOf(PhaseName phase) {
        return switch (phase) {
            case IDEATION -> Contract.REQUIREMENTS;
            case ARCHITECTURE -> Contract.ARCHITECTURE;
            case TASK_BREAKDOWN -> Contract.WORK_PLAN;
            case DEPLOY -> Contract.DEPLOY;
            default -> Contract.DEV_RESULT;
        };
    }
}
