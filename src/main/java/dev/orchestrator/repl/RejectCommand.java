package dev.orchestrator.repl;

import dev.orchestrator.pipeline.Decisions.Pending;
import dev.orchestrator.project.Project;
import java.util.List;
import java.util.Optional;

/** {@code /reject [id] <feedback>}: sends a phase back with feedback; it runs again with it. */
final class RejectCommand implements Command {
    private static final Spec SPEC = new Spec(
            "reject",
            List.of(),
            "[id|name] <feedback>",
            "send a phase back; it runs again with your feedback",
            "/reject 3 keep it to a single binary, no server",
            true);

    @Override
    public Spec spec() {
        return SPEC;
    }

    @Override
    public Outcome run(String arguments, Session session) {
        String[] parts = arguments.strip().split("\\s+", 2);
        Optional<Project> project =
                parts[0].isEmpty() ? Optional.empty() : session.projects().resolve(parts[0]);
        String feedback = project.isPresent() ? (parts.length > 1 ? parts[1] : "") : arguments.strip();
        if (project.isEmpty()) {
            project = session.project("");
        }
        if (project.isEmpty()) {
            return Outcome.CONTINUE;
        }
        Optional<Pending> pending =
                session.engine().decisions().pending(project.get().id());
        if (pending.isPresent() && pending.get() instanceof Pending.PhaseReview review) {
            if (feedback.isBlank()) {
                Prompter.settle(review, Optional.of("n"), session);
            } else {
                session.engine().decisions().reject(review.approval(), feedback.strip());
                Prompter.resume(
                        review.project(),
                        "Rejected; " + review.approval().phase() + " runs again with your feedback.",
                        session);
            }
            return Outcome.CONTINUE;
        }
        if (pending.isEmpty() || !(pending.get() instanceof Pending.PhaseApproval approval)) {
            session.println("Project " + project.get().id() + " has no phase waiting for approval.");
            return Outcome.CONTINUE;
        }
        if (feedback.isBlank()) {
            Prompter.settle(approval, Optional.of("n"), session);
            return Outcome.CONTINUE;
        }
        session.engine().decisions().reject(approval, feedback.strip());
        Prompter.resume(
                approval.project(),
                "Rejected; " + approval.approval().phase() + " runs again with your feedback.",
                session);
        return Outcome.CONTINUE;
    }
}
