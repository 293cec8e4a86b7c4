package dev.orchestrator.pipeline;

import dev.orchestrator.config.PhaseName;
import dev.orchestrator.contract.Contract;
import dev.orchestrator.project.PhaseState;
import dev.orchestrator.project.ProjectId;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The pipeline's durable state. Every method that changes something is one transaction that also
 * appends the matching event, and returns only once it is committed.
 */
public interface PipelineStore {

    // ---- ownership ----

    /**
     * Takes ownership of a project for {@code instance}, unless another owner is alive: its
     * heartbeat is younger than {@code stale} and {@code alive} says its process still exists.
     */
    Claim claim(ProjectId project, String instance, Duration stale, Predicate<String> alive);

    /** Records that {@code instance} is alive, on every project it owns. */
    void heartbeat(String instance);

    /** Gives up ownership, leaving the status as the pipeline set it. */
    void release(ProjectId project, String instance);

    /** Projects owned by an instance that is gone or stale: they were interrupted. */
    List<ProjectId> orphaned(String instance, Duration stale, Predicate<String> alive);

    // ---- phases ----

    List<PhaseState> phases(ProjectId project);

    /** The phase runs (again); {@code startCommit} is kept from its first start when it resumes. */
    void phaseStarted(ProjectId project, PhaseName phase, String startCommit, boolean resumed);

    void phaseSkipped(ProjectId project, PhaseName phase, String reason);

    void phaseCompleted(ProjectId project, PhaseName phase, Map<String, ?> details);

    /** The phase failed; the project is failed with the reason and what was rolled back. */
    void phaseFailed(ProjectId project, PhaseName phase, String error, Optional<String> rolledBackTo);

    /** The phase was stopped part-way (a stop, not a failure); the project is stopped. */
    void phaseInterrupted(ProjectId project, PhaseName phase, String reason);

    void projectCompleted(ProjectId project);

    /** A planning phase's current candidate output (also kept in its history of outputs). */
    Optional<String> candidate(ProjectId project, PhaseName phase);

    /** Replaces the candidate, e.g. after the person edited it; {@code source} is agent or edit. */
    void storeCandidate(ProjectId project, PhaseName phase, Contract contract, String document, String source);

    /** How many candidates the phase has had (its history of outputs): a swarm's next round is this plus one. */
    int candidateCount(ProjectId project, PhaseName phase);

    /** The output of a completed phase (its approved candidate); empty while the phase is not completed. */
    Optional<String> output(ProjectId project, PhaseName phase);

    // ---- approvals and questions ----

    Optional<Approval> latestApproval(ProjectId project, PhaseName phase);

    List<Approval> pendingApprovals(ProjectId project);

    /** The latest decision asked about a work item. */
    Optional<Approval> latestItemApproval(long item);

    /** Asks the person to decide; the project waits for approval. */
    Approval requestApproval(
            ProjectId project, PhaseName phase, Approval.Kind kind, Optional<Long> item, String summary);

    /**
     * Records the person's decision. A rejection clears the phase's candidate, so the phase runs
     * again with the feedback.
     */
    void decide(long approvalId, Approval.Status decision, Optional<String> feedback);

    List<Clarification> clarifications(ProjectId project, PhaseName phase);

    /** Asks questions; with {@code assumeFirstOption} they are answered at once with their first option. */
    void ask(ProjectId project, PhaseName phase, List<Clarification> questions, boolean assumeFirstOption);

    /**
     * Records an answer ({@code assumed}: chosen by the orchestrator, not the person); when the
     * phase's last open question is answered its candidate is cleared.
     */
    void answer(long clarificationId, String answer, boolean assumed);

    // ---- agent sessions ----

    /** An agent call starts; returns the session's id. */
    long sessionStarted(NewSession session);

    /**
     * An agent call ended. When {@code candidateOf} is present and the call completed, its output
     * becomes that phase's candidate in the same transaction.
     */
    void sessionEnded(long session, SessionEnd end, Optional<PhaseName> candidateOf);

    /**
     * The project's calls still marked running. Called when a run starts, after the project was
     * claimed: no live Orchestrator runs them, so their agents kept working while none watched (or
     * died with their Orchestrator), and the run adopts them.
     */
    List<OpenSession> openSessions(ProjectId project);

    /** The finished calls of one attempt of a work item, in order. */
    List<Step> steps(long item, int attempt);

    /** The finished calls of one attempt of a phase that were not about a work item, in order. */
    List<Step> phaseSteps(ProjectId project, PhaseName phase, int attempt);

    /** Every agent call of a phase that was not about a work item, oldest first. */
    List<PhaseSession> phaseSessions(ProjectId project, PhaseName phase);

    /** Appends an event that changes no state (progress a person may want in /log). */
    void note(ProjectId project, String type, Map<String, ?> payload);

    /** Records (or replaces) that the project is a run over an existing repository. */
    void recordRepoRun(ProjectId project, RepoRun run);

    /** The repository run the project is, if it is one. */
    Optional<RepoRun> repoRun(ProjectId project);

    /** The project of the run over this repository, milestone and issue filter, if there is one. */
    Optional<ProjectId> findRepoRun(java.nio.file.Path repo, String milestone, Optional<String> issue);

    /** Sets the project's status without a phase transition (waiting, paused, stopped, running). */
    void projectStatus(ProjectId project, dev.orchestrator.project.ProjectStatus status, String reason);
}
