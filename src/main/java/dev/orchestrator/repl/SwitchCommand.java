package dev.orchestrator.repl;

import dev.orchestrator.project.Project;
import java.util.List;
import java.util.Optional;

/** {@code /switch <id>}: chooses the foreground project, whose progress streams and whose questions are asked inline. */
final class SwitchCommand implements Command {
    private static final Spec SPEC = new Spec(
            "switch",
            List.of("fg"),
            "<id|name>",
            "choose the foreground project: its progress shows and its questions are asked here",
            "/switch 3",
            true);

    @Override
    public Spec spec() {
        return SPEC;
    }

    @Override
    public Outcome run(String arguments, Session session) {
        if (arguments.isBlank()) {
            session.error("name the project to bring forward, e.g. /switch 3. /projects lists them.");
            return Outcome.CONTINUE;
        }
        Optional<Project> project = session.project(arguments);
        if (project.isEmpty()) {
            return Outcome.CONTINUE;
        }
        session.foreground(project.get().id());
        session.println("Project " + project.get().id() + " " + project.get().name() + " is in the foreground ("
                + StatusText.label(project.get().status()) + ").");
        session.engine().decisions().pending(project.get().id()).ifPresent(pending -> {
            session.println(Prompter.question(pending));
            session.println(Prompter.hint(pending));
        });
        return Outcome.CONTINUE;
    }
}
