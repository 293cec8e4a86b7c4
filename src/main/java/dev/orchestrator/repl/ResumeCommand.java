package dev.orchestrator.repl;

import dev.orchestrator.pipeline.Supervisor;
import dev.orchestrator.project.Project;
import java.util.List;
import java.util.Optional;

/** {@code /resume <id>}: carries a stopped, interrupted or failed project on from its first unfinished step. */
final class ResumeCommand implements Command {
    private static final Spec SPEC = new Spec(
            "resume",
            List.of(),
            "<id|name>",
            "carry a stopped, interrupted or failed project on where it stopped",
            "/resume 3",
            true);

    @Override
    public Spec spec() {
        return SPEC;
    }

    @Override
    public Outcome run(String arguments, Session session) {
        Optional<Project> found = session.project(arguments);
        if (found.isEmpty()) {
            return Outcome.CONTINUE;
        }
        Project project = found.get();
        if (project.status() == dev.orchestrator.project.ProjectStatus.COMPLETED) {
            session.println("Project " + project.id() + " is already completed; /view " + project.id()
                    + " shows what it produced.");
            return Outcome.CONTINUE;
        }
        var pending = session.engine().decisions().pending(project.id());
        if (pending.isPresent()) {
            session.println(Prompter.question(pending.get()));
            session.foreground(project.id());
            Prompter.settle(pending.get(), Optional.empty(), session);
            return Outcome.CONTINUE;
        }
        switch (session.engine().supervisor().start(project.id())) {
            case Supervisor.Start.Started started -> {
                session.foreground(project.id());
                session.println(session.style().success("Resumed project " + project.id() + " " + project.name())
                        + "; its progress shows here. /stop " + project.id() + " stops it.");
            }
            case Supervisor.Start.AlreadyRunning running -> {
                session.foreground(project.id());
                session.println("Project " + project.id() + " is already running; its progress shows here.");
            }
            case Supervisor.Start.AgentUnavailable unavailable ->
                session.error("project " + project.id() + " cannot run: " + unavailable.reason());
            case Supervisor.Start.OwnedElsewhere elsewhere ->
                session.error("project " + project.id()
                        + " is being run by another Orchestrator (" + elsewhere.owner()
                        + "), which is alive. Stop that one "
                        + "first, or wait for it.");
        }
        return Outcome.CONTINUE;
    }
}
