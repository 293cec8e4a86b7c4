package dev.orchestrator.repl;

import dev.orchestrator.pipeline.Decisions.Pending;
import dev.orchestrator.project.Project;
import java.util.List;
import java.util.Optional;

/** {@code /approve [id]}: approves what a project waits for, or asks about a work item that needs a decision. */
final class ApproveCommand implements Command {
    private static final Spec SPEC = new Spec(
            "approve",
            List.of(),
            "[id|name]",
            "approve the phase a project waits on, and let it go on",
            "/approve 3",
            true);

    @Override
    public Spec spec() {
        return SPEC;
    }

    @Override
    public Outcome run(String arguments, Session session) {
        Optional<Project> project = session.project(arguments);
        if (project.isEmpty()) {
            return Outcome.CONTINUE;
        }
        Optional<Pending> pending =
                session.engine().decisions().pending(project.get().id());
        if (pending.isEmpty()) {
            session.println("Project " + project.get().id() + " is not waiting for an approval ("
                    + StatusText.label(project.get().status()) + ").");
            return Outcome.CONTINUE;
        }
        switch (pending.get()) {
            case Pending.PhaseApproval approval -> Prompter.settle(approval, Optional.of("y"), session);
            case Pending.PhaseReview review -> Prompter.settle(review, Optional.of("y"), session);
            default -> {
                session.println(Prompter.question(pending.get()));
                Prompter.settle(pending.get(), Optional.empty(), session);
            }
        }
        return Outcome.CONTINUE;
    }
}
