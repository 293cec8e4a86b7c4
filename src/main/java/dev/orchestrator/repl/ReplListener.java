package dev.orchestrator.repl;

import dev.orchestrator.pipeline.PipelineListener;
import dev.orchestrator.pipeline.RunOutcome;
import dev.orchestrator.project.ProjectId;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jline.reader.LineReader;

/**
 * Shows pipeline progress in the session, from the pipelines' threads: the foreground project's
 * progress streams line by line above the prompt; other projects announce once that they wait
 * for the person, and when their run ends.
 */
final class ReplListener implements PipelineListener {
    private final Session session;
    private final LineReader reader;
    private final Set<ProjectId> announced = ConcurrentHashMap.newKeySet();

    ReplListener(Session session, LineReader reader) {
        this.session = session;
        this.reader = reader;
    }

    private boolean foreground(ProjectId project) {
        return session.foreground().filter(project::equals).isPresent();
    }

    @Override
    public void progress(ProjectId project, String line) {
        announced.remove(project);
        if (foreground(project)) {
            show(session.style().dim(project + " ") + line);
        }
    }

    @Override
    public void waiting(ProjectId project, String what) {
        if (foreground(project)) {
            session.engine().decisions().pending(project).ifPresent(pending -> {
                show(session.style().bold(Prompter.question(pending)));
                show(Prompter.hint(pending)
                        + session.style().dim("  (answer at the prompt; /view " + project + " shows the output)"));
            });
        } else if (announced.add(project)) {
            show(session.style().yellow("project " + project + " is waiting for " + what));
        }
    }

    @Override
    public void finished(ProjectId project, RunOutcome outcome, String detail) {
        String text = switch (outcome) {
            case COMPLETED ->
                session.style().success("project " + project + " completed") + "; /view " + project
                        + " shows what it built.";
            case FAILED ->
                session.style().red("project " + project + " failed")
                        + (detail.isEmpty() ? "" : ": " + detail) + "; /status " + project + " shows why, /resume "
                        + project + " tries again.";
            case STOPPED -> "project " + project + " stopped; /resume " + project + " carries on.";
            case WAITING, OWNED_ELSEWHERE -> null;
        };
        if (text != null) {
            show(text);
        }
    }

    private void show(String line) {
        reader.printAbove(line);
    }
}
