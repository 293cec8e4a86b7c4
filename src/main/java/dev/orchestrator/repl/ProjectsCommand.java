package dev.orchestrator.repl;

import dev.orchestrator.project.Page;
import dev.orchestrator.project.ProjectSummary;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** {@code /projects [page]}: every project, newest first, a page at a time. */
final class ProjectsCommand implements Command {
    private static final Spec SPEC =
            new Spec("projects", List.of("ls", "list"), "[page]", "list projects, newest first", "/projects 2", false);

    @Override
    public Spec spec() {
        return SPEC;
    }

    @Override
    public Outcome run(String arguments, Session session) {
        int page = 1;
        String text = arguments.strip();
        if (!text.isEmpty()) {
            if (!text.matches("\\d{1,6}") || Integer.parseInt(text) < 1) {
                session.error("/projects takes a page number, like /projects 2 (got '" + text + "').");
                return Outcome.CONTINUE;
            }
            page = Integer.parseInt(text);
        }
        int pageSize = Math.clamp(session.height() - 6, 5, 50);
        Page<ProjectSummary> projects = session.projects().repository().list(page, pageSize);
        if (projects.total() == 0) {
            session.println("No projects yet. Type an idea to start one, for example:");
            session.println("  " + session.style().cyan("a web page that shows the weather for my city"));
            return Outcome.CONTINUE;
        }
        if (projects.items().isEmpty()) {
            session.error("there is no page " + page + "; the last page is " + projects.pageCount() + ".");
            return Outcome.CONTINUE;
        }
        render(projects, session);
        return Outcome.CONTINUE;
    }

    private static void render(Page<ProjectSummary> projects, Session session) {
        Style style = session.style();
        Instant now = session.clock().instant();
        Table table = new Table(List.of(
                Table.Column.right("ID"),
                Table.Column.shrinking("NAME"),
                Table.Column.left("STATUS"),
                Table.Column.left("PHASE"),
                Table.Column.right("PROGRESS"),
                Table.Column.right("COST"),
                Table.Column.left("LAST ACTIVITY")));
        for (ProjectSummary summary : projects.items()) {
            var project = summary.project();
            table.row(List.of(
                    Table.Cell.plain(project.id().toString()),
                    Table.Cell.plain(project.name()),
                    new Table.Cell(
                            StatusText.label(project.status()), t -> StatusText.paint(project.status(), t, style)),
                    Table.Cell.plain(
                            project.currentPhase().map(Object::toString).orElse(style.dash())),
                    Table.Cell.plain(progress(summary, style)),
                    Table.Cell.plain(cost(session, project.id())),
                    new Table.Cell(Times.ago(summary.lastActivity(), now), style::dim)));
        }
        List<String> lines = new ArrayList<>(table.render(session.width(), style));
        lines.forEach(session::println);
        long first = (long) (projects.number() - 1) * projects.size() + 1;
        long last = first + projects.items().size() - 1;
        String footer = projects.pageCount() == 1
                ? projects.total() + (projects.total() == 1 ? " project" : " projects")
                : "Showing " + first + "-" + last + " of " + projects.total() + " " + style.dot() + " page "
                        + projects.number() + " of " + projects.pageCount()
                        + (projects.hasNext()
                                ? " " + style.dot() + " /projects " + (projects.number() + 1) + " for more"
                                : "");
        session.println(style.dim(footer + " " + style.dot() + " /status <id> for details"));
    }

    private static String cost(Session session, dev.orchestrator.project.ProjectId id) {
        long micros = session.engine().ledger().projectSpend(id).costMicros();
        return micros == 0 ? session.style().dash() : dev.orchestrator.pipeline.Money.usd(micros);
    }

    private static String progress(ProjectSummary summary, Style style) {
        if (summary.itemsTotal() == 0) {
            return style.dash();
        }
        int percent = (int) (100L * summary.itemsDone() / summary.itemsTotal());
        return summary.itemsDone() + "/" + summary.itemsTotal() + " (" + percent + "%)";
    }
}
