package dev.orchestrator.repl;

import dev.orchestrator.pipeline.Decisions.Pending;
import dev.orchestrator.project.Project;
import dev.orchestrator.project.ProjectId;
import dev.orchestrator.project.ProjectStatus;
import java.util.Optional;

/**
 * Lines of fewer than two words that are neither a command nor an answer: never an idea, since a
 * stray {@code 2} or {@code y} meant for a waiting project must not become a project. When a
 * project waits for the person such a line points to it, and the Enter right after shows that
 * project's question; otherwise it explains how to start a project.
 *
 * <p>Owned by the REPL thread, which reads every line.
 */
final class ShortLines {
    /** How many of the newest projects are searched for one that waits. */
    private static final int SEARCHED = 50;

    /** The project the previous line's hint pointed to; any next line ends the hint. */
    private ProjectId hinted;

    /** Whether a line is too short to be an idea: fewer than two words. */
    static boolean tooShort(String line) {
        return line.isBlank() || line.strip().split("\\s+").length < 2;
    }

    /**
     * Takes the Enter right after a hint: shows the hinted project's question, brings the project to
     * the foreground and asks the question inline, so only an answer given there decides (an empty
     * line at a pending approval would otherwise approve it unseen).
     *
     * @return whether the line was taken; any other line ends the hint and is not taken
     */
    boolean opensHinted(String line, Session session) {
        ProjectId project = hinted;
        hinted = null;
        if (project == null || !line.isEmpty()) {
            return false;
        }
        Optional<Pending> pending = session.engine().decisions().pending(project);
        if (pending.isEmpty()) {
            session.println(
                    "Project " + project + " no longer waits for you; /status " + project + " shows where it is.");
            return true;
        }
        session.println(session.style().bold(Prompter.question(pending.get())));
        session.foreground(project);
        Prompter.settle(pending.get(), Optional.empty(), session);
        return true;
    }

    /** Replies to a short line: which project waits and how to see its question, or how to start a project. */
    void reply(String line, Session session) {
        Style style = session.style();
        Optional<Pending> waiting = waiting(session);
        if (waiting.isPresent()) {
            ProjectId project = waiting.get().project();
            hinted = project;
            String name = session.projects()
                    .repository()
                    .find(project)
                    .map(Project::name)
                    .orElse("it");
            session.println("did you mean to answer project " + project + "? press Enter to see its question"
                    + style.dim(" (" + name + " waits for " + awaited(waiting.get())
                            + "; an idea needs at least two words)"));
            return;
        }
        session.println("Nothing was started: an idea needs at least two words, for example "
                + style.cyan("a todo app with tags") + ". " + suggestion(line, session));
    }

    /** The foreground project's decision, else that of the newest project waiting for the person. */
    private static Optional<Pending> waiting(Session session) {
        var decisions = session.engine().decisions();
        return session.foreground()
                .flatMap(decisions::pending)
                .or(() -> session.projects().repository().recent(SEARCHED).stream()
                        .filter(p ->
                                p.status() == ProjectStatus.WAITING_APPROVAL || p.status() == ProjectStatus.CLARIFYING)
                        .map(p -> decisions.pending(p.id()))
                        .flatMap(Optional::stream)
                        .findFirst());
    }

    private static String awaited(Pending pending) {
        return switch (pending) {
            case Pending.PhaseApproval p -> "approval of " + p.approval().phase();
            case Pending.PhaseReview r -> "approval of " + r.approval().phase();
            case Pending.ItemDecision d -> "a decision about " + d.item().key();
            case Pending.Questions q ->
                q.open().size() == 1 ? "an answer" : q.open().size() + " answers";
        };
    }

    /**
     * The command the word is close to, as for an unknown command. Words under three letters are
     * answers or numbers more often than commands (and {@code y} is one edit from {@code /?}), so
     * only an exact alias such as {@code ls} is suggested for them.
     */
    private static String suggestion(String word, Session session) {
        boolean likely = word.length() >= 3 || session.commands().find(word).isPresent();
        return Repl.suggestion(session.commands(), likely ? word : "");
    }
}
