package dev.orchestrator.repl;

import dev.orchestrator.pipeline.Decisions.Pending;
import dev.orchestrator.project.Project;
import java.util.List;
import java.util.Optional;

/** {@code /answer [id]}: asks a project's open questions one by one. */
final class AnswerCommand implements Command {
    private static final Spec SPEC = new Spec(
            "answer",
            List.of(),
            "[id|name]",
            "answer the questions a project asks (numbered options or your own words)",
            "/answer 3",
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
            session.println("Project " + project.get().id() + " has no open questions.");
            return Outcome.CONTINUE;
        }
        session.println(Prompter.question(pending.get()));
        session.foreground(project.get().id());
        Prompter.settle(pending.get(), Optional.empty(), session);
        return Outcome.CONTINUE;
    }
}
