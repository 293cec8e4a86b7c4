package dev.orchestrator.repl;

import dev.orchestrator.project.Project;
import dev.orchestrator.project.ProjectEvent;
import java.util.List;
import java.util.Optional;

/** {@code /log <id>}: a project's recent events, oldest first. */
final class LogCommand implements Command {
    static final int EVENTS = 30;

    private static final Spec SPEC =
            new Spec("log", List.of(), "[id|name]", "show a project's recent events", "/log 3", true);

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
        List<ProjectEvent> events =
                session.projects().repository().recentEvents(project.get().id(), EVENTS);
        session.println(session.style()
                        .bold("Project " + project.get().id() + " "
                                + project.get().name()) + ": last " + events.size() + " events");
        for (ProjectEvent event : events) {
            String payload =
                    event.payload().equals("{}") ? "" : "  " + session.style().dim(event.payload());
            session.println("  " + session.style().dim(Times.dateTime(event.at())) + "  "
                    + String.format("%-22s", event.type()) + payload);
        }
        return Outcome.CONTINUE;
    }
}
