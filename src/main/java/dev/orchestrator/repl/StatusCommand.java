package dev.orchestrator.repl;

import dev.orchestrator.pipeline.ActivityBoard;
import dev.orchestrator.project.PhaseState;
import dev.orchestrator.project.Project;
import dev.orchestrator.project.ProjectEvent;
import dev.orchestrator.project.ProjectSummary;
import dev.orchestrator.work.WorkItem;
import dev.orchestrator.work.WorkItemStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** {@code /status [id|name]}: one project in detail; the newest one when none is named. */
final class StatusCommand implements Command {
    private static final Spec SPEC = new Spec(
            "status",
            List.of(),
            "[id|name]",
            "show one project in detail (the newest if none is named)",
            "/status 3",
            true);

    @Override
    public Spec spec() {
        return SPEC;
    }

    private static final int LABEL_WIDTH = 11;

    @Override
    public Outcome run(String arguments, Session session) {
        String wanted = arguments.strip();
        Optional<Project> project = wanted.isEmpty()
                ? session.projects().repository().recent(1).stream().findFirst()
                : session.projects().resolve(wanted);
        if (project.isEmpty()) {
            if (wanted.isEmpty()) {
                session.println("No projects yet. Type an idea to start one.");
            } else {
                session.error("no project is called or numbered '" + wanted + "'. /projects lists them.");
            }
            return Outcome.CONTINUE;
        }
        render(project.get(), session);
        return Outcome.CONTINUE;
    }

    private static void render(Project project, Session session) {
        Style style = session.style();
        Instant now = session.clock().instant();
        ProjectSummary summary = session.projects().repository().summary(project);
        session.println(style.bold("Project " + project.id() + " " + style.dot() + " " + project.name()));
        field(session, "Status", StatusText.paint(project.status(), StatusText.label(project.status()), style));
        field(session, "Phase", project.currentPhase().map(Object::toString).orElse(style.dash()));
        field(
                session,
                "Items",
                summary.itemsTotal() == 0
                        ? "none yet (the task breakdown phase creates them)"
                        : summary.itemsDone() + " of " + summary.itemsTotal() + " done");
        running(project, session, now);
        agents(project, session, now);
        session.engine().store().phases(project.id()).stream()
                .filter(p -> p.status() == dev.orchestrator.project.PhaseStatus.FAILED
                        && p.error().isPresent())
                .findFirst()
                .ifPresent(p -> field(
                        session, "Error", wrap(p.phase() + ": " + p.error().get(), session.width() - LABEL_WIDTH - 2)));
        if (project.status() == dev.orchestrator.project.ProjectStatus.PAUSED) {
            session.engine()
                    .pauseReason(project.id())
                    .ifPresent(reason -> field(session, "Paused", wrap(reason, session.width() - LABEL_WIDTH - 2)));
        }
        var ledger = session.engine().ledger();
        dev.orchestrator.agent.Usage spent = ledger.projectSpend(project.id());
        field(session, "Spent", Costs.describe(spent));
        Costs.limits(
                        ledger.limits(project.id()),
                        session.engine().services().config().budget())
                .ifPresent(limits -> field(session, "Budget", limits));
        Costs.items(ledger.itemSpends(project.id()), session.engine().items(project.id()))
                .ifPresent(items -> field(session, "Item costs", wrap(items, session.width() - LABEL_WIDTH - 2)));
        field(session, "Idea", wrap(project.idea(), session.width() - LABEL_WIDTH - 2));
        field(session, "Workspace", project.workspace().toString());
        field(
                session,
                "Created",
                Times.dateTime(project.createdAt()) + " (" + Times.ago(project.createdAt(), now) + ")");
        field(session, "Activity", Times.ago(summary.lastActivity(), now));
        session.println("  " + style.bold("Phases"));
        var phaseSpend = ledger.phaseSpend(project.id());
        for (PhaseState phase : session.projects().repository().phases(project.id())) {
            String status = StatusText.paint(phase.status(), phase.status().wireName(), style);
            String attempts = phase.attempts() == 0 ? "" : "  attempts " + phase.attempts();
            String took = phase.duration(now).map(d -> "  " + Times.duration(d)).orElse("");
            String cost = java.util.Optional.ofNullable(phaseSpend.get(phase.phase()))
                    .filter(u -> u.costMicros() > 0)
                    .map(u -> "  " + dev.orchestrator.pipeline.Money.usd(u.costMicros()))
                    .orElse("");
            session.println("    " + String.format("%-16s", phase.phase()) + status + attempts + took + cost);
        }
        List<ProjectEvent> events = session.projects().repository().recentEvents(project.id(), 6);
        if (!events.isEmpty()) {
            session.println("  " + style.bold("Recent"));
            for (ProjectEvent event : events) {
                session.println("    " + style.dim(Times.dateTime(event.at())) + "  "
                        + event.type().replace('_', ' '));
            }
        }
        session.println(
                StatusText.nextStep(project, session.engine().supervisor().isRunning(project.id())));
    }

    /**
     * Every item in progress, with what it is doing now when this process runs it; an item in
     * progress that nothing runs was interrupted and resumes with the project.
     */
    private static void running(Project project, Session session, Instant now) {
        Map<String, ActivityBoard.Entry> board = session.engine().services().board().running(project.id()).stream()
                .collect(Collectors.toMap(ActivityBoard.Entry::key, e -> e));
        List<WorkItem> items = session.engine().items(project.id()).stream()
                .filter(i -> i.status() == WorkItemStatus.IN_PROGRESS)
                .toList();
        String label = items.size() > 1 ? "Running" : "Current";
        for (WorkItem item : items) {
            Optional<ActivityBoard.Entry> entry = Optional.ofNullable(board.get(item.key()));
            String line = item.label()
                    + (item.attempts() > 1 ? " (attempt " + item.attempts() + ")" : "")
                    + entry.map(e -> " " + session.style().dot() + " " + e.activity() + " "
                                    + session.style().dim("(" + Times.ago(e.since(), now) + ")"))
                            .orElse("");
            field(session, label, wrap(line, session.width() - LABEL_WIDTH - 2));
            label = "";
        }
    }

    /**
     * The agent calls running now, with their process and whether they were adopted from an
     * earlier Orchestrator; a call nobody follows is one that kept working while Orchestrator was
     * closed, and resuming the project adopts it.
     */
    private static void agents(Project project, Session session, Instant now) {
        boolean followed = session.engine().supervisor().isRunning(project.id());
        String label = "Agents";
        for (dev.orchestrator.pipeline.OpenSession call :
                session.engine().store().openSessions(project.id())) {
            String line = call.label()
                    + call.pid().map(pid -> ", pid " + pid).orElse("")
                    + ", started " + Times.ago(call.startedAt(), now)
                    + call.adopted()
                            .map(how ->
                                    " " + session.style().dot() + " adopted from an earlier Orchestrator (" + how + ")")
                            .orElse("")
                    + (followed
                            ? ""
                            : " " + session.style().dot() + " no Orchestrator follows it; /resume " + project.id()
                                    + " adopts it");
            field(session, label, wrap(line, session.width() - LABEL_WIDTH - 2));
            label = "";
        }
    }

    private static void field(Session session, String label, String value) {
        session.println("  " + String.format("%-" + LABEL_WIDTH + "s", label) + value);
    }

    /** Wraps long text to the width, continuing lines under the value column. */
    private static String wrap(String text, int width) {
        String single = text.replaceAll("\\s+", " ").strip();
        if (width < 20 || single.length() <= width) {
            return single;
        }
        StringBuilder out = new StringBuilder();
        int lineLength = 0;
        for (String word : single.split(" ")) {
            if (lineLength > 0 && lineLength + 1 + word.length() > width) {
                out.append('\n').append(" ".repeat(LABEL_WIDTH + 2));
                lineLength = 0;
            } else if (lineLength > 0) {
                out.append(' ');
                lineLength++;
            }
            out.append(word);
            lineLength += word.length();
        }
        return out.toString();
    }
}
