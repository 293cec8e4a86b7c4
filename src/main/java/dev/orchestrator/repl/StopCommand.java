package dev.orchestrator.repl;

import dev.orchestrator.project.Project;
import java.util.List;
import java.util.Optional;

/** {@code /stop [id]}: stops a running project at its next safe point. */
final class StopCommand implements Command {
    private static final Spec SPEC = new Spec(
            "stop",
            List.of(),
            "[id|name]",
            "stop a running project gracefully (the foreground one if none is named)",
            "/stop 3",
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
        var id = project.get().id();
        if (!session.engine().supervisor().stop(id, "stopped by the person")) {
            session.println("Project " + id + " is not running ("
                    + StatusText.label(project.get().status()) + ").");
            return Outcome.CONTINUE;
        }
        session.println("Stopping project " + id + ": it stops after the agent's current step (at most "
                + session.engine().services().config().recovery().shutdownGraceSeconds()
                + " s, then the agent is ended). /resume " + id + " carries on.");
        return Outcome.CONTINUE;
    }
}
