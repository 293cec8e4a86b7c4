package dev.orchestrator.repl;

import dev.orchestrator.contract.ContractMarkdown;
import dev.orchestrator.pipeline.Approval;
import dev.orchestrator.pipeline.Clarification;
import dev.orchestrator.pipeline.Decisions.Pending;
import dev.orchestrator.pipeline.Supervisor;
import dev.orchestrator.project.ProjectId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import tools.jackson.databind.json.JsonMapper;

/**
 * Asks the person inline for what a project waits for: approve a phase ({@code Approve?
 * [Y/n/view/edit]}), answer questions (options as a numbered menu, free text allowed), or decide
 * about a work item. Each decision is saved, then the project's pipeline carries on.
 *
 * <p>Runs on the REPL thread.
 */
final class Prompter {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private Prompter() {}

    /** Shows what the project waits for and how to answer, without asking (for announcements). */
    static String question(Pending pending) {
        return switch (pending) {
            case Pending.PhaseApproval p ->
                "Project " + p.project() + ": " + p.approval().phase() + " is ready. "
                        + p.approval().summary();
            case Pending.PhaseReview r ->
                "Project " + r.project() + ": " + r.approval().summary();
            case Pending.ItemDecision d ->
                "Project " + d.project() + ": " + d.approval().summary();
            case Pending.Questions q ->
                "Project " + q.project() + " has " + q.open().size()
                        + (q.open().size() == 1 ? " question" : " questions") + " about " + q.phase() + ".";
        };
    }

    /**
     * Whether a typed line answers the decision inline. Anything else typed at the prompt is an
     * idea or a command, so a waiting project never swallows a new idea; a single word is neither
     * and gets a hint instead ({@link ShortLines}).
     */
    static boolean isAnswer(Pending pending, String line) {
        String text = line.strip().toLowerCase(Locale.ROOT);
        return switch (pending) {
            case Pending.PhaseApproval p ->
                List.of("", "y", "yes", "n", "no", "v", "view", "e", "edit").contains(text);
            case Pending.PhaseReview r -> List.of("", "y", "yes", "n", "no").contains(text);
            case Pending.ItemDecision d ->
                List.of("r", "retry", "s", "skip", "a", "accept").contains(text);
            case Pending.Questions q -> text.isEmpty();
        };
    }

    /** The inline prompt for the decision. */
    static String hint(Pending pending) {
        return switch (pending) {
            case Pending.PhaseApproval p -> "Approve? [Y/n/view/edit]";
            case Pending.PhaseReview r -> "Approve? [Y/n]";
            case Pending.ItemDecision d -> "[r]etry with guidance, [s]kip, or [a]ccept as is?";
            case Pending.Questions q -> "Press Enter to answer them one by one.";
        };
    }

    /**
     * Settles the decision, starting with {@code firstAnswer} when the person already typed one.
     *
     * @return whether a decision was recorded (and the pipeline resumed)
     */
    static boolean settle(Pending pending, Optional<String> firstAnswer, Session session) {
        return switch (pending) {
            case Pending.PhaseApproval p -> phase(p, p.approval(), firstAnswer, session);
            case Pending.PhaseReview r -> phase(r, r.approval(), firstAnswer, session);
            case Pending.ItemDecision d -> item(d, firstAnswer, session);
            case Pending.Questions q -> questions(q, session);
        };
    }

    /**
     * Approve or reject a phase. A planning phase's output can also be viewed and edited; a work
     * phase's is shown by /view.
     */
    private static boolean phase(Pending pending, Approval approval, Optional<String> first, Session session) {
        Optional<Pending.PhaseApproval> document =
                pending instanceof Pending.PhaseApproval output ? Optional.of(output) : Optional.empty();
        Optional<String> typed = first;
        while (true) {
            String answer = typed.isPresent() ? typed.get() : session.ask(hint(pending) + " ");
            typed = Optional.empty();
            if (answer == null) {
                return later(pending.project(), session);
            }
            String text = answer.strip().toLowerCase(Locale.ROOT);
            if (List.of("", "y", "yes").contains(text)) {
                session.engine().decisions().approve(approval);
                return resume(pending.project(), "Approved " + approval.phase() + ".", session);
            } else if (List.of("n", "no").contains(text)) {
                String feedback = session.ask("What should change? ");
                if (feedback == null) {
                    return later(pending.project(), session);
                }
                if (feedback.isBlank()) {
                    session.error("the phase runs again with your feedback, so it needs some. Type it, or press "
                            + "Ctrl+C to decide later.");
                    typed = Optional.of("n");
                    continue;
                }
                session.engine().decisions().reject(approval, feedback.strip());
                return resume(
                        pending.project(),
                        "Rejected; " + approval.phase() + " runs again with your feedback.",
                        session);
            } else if (document.isPresent() && List.of("view", "v").contains(text)) {
                view(document.get(), session);
            } else if (document.isPresent() && List.of("edit", "e").contains(text)) {
                if (edit(document.get(), session)) {
                    return resume(
                            pending.project(), "Your edit was saved and " + approval.phase() + " approved.", session);
                }
            } else if (document.isPresent()) {
                session.error("answer y (approve), n (reject with feedback), view or edit; Ctrl+C decides later.");
            } else {
                session.error("answer y (approve) or n (run it again with feedback); /view " + pending.project() + " "
                        + approval.phase() + " shows what it did.");
            }
        }
    }

    private static void view(Pending.PhaseApproval pending, Session session) {
        String markdown = ContractMarkdown.render(pending.contract(), JSON.readTree(pending.document()), List.of());
        markdown.lines().forEach(session::println);
    }

    /** Opens $VISUAL or $EDITOR on the output; true when the edited document was valid and approved. */
    private static boolean edit(Pending.PhaseApproval pending, Session session) {
        String editor = Optional.ofNullable(session.environment().get("VISUAL"))
                .filter(e -> !e.isBlank())
                .or(() ->
                        Optional.ofNullable(session.environment().get("EDITOR")).filter(e -> !e.isBlank()))
                .orElse(null);
        if (editor == null) {
            session.error("set $VISUAL or $EDITOR to the editor to use (e.g. export EDITOR=nano), or answer "
                    + "n and describe the change.");
            return false;
        }
        try {
            Path file =
                    Files.createTempFile("orchestrator-" + pending.approval().phase() + "-", ".json");
            try {
                Files.writeString(
                        file,
                        JSON.writerWithDefaultPrettyPrinter().writeValueAsString(JSON.readTree(pending.document())));
                while (true) {
                    List<String> command =
                            new ArrayList<>(List.of(editor.strip().split("\\s+")));
                    command.add(file.toString());
                    session.terminal().pause();
                    int exit;
                    try {
                        exit = new ProcessBuilder(command).inheritIO().start().waitFor();
                    } finally {
                        session.terminal().resume();
                    }
                    if (exit != 0) {
                        session.error("the editor (" + editor + ") exited with " + exit + "; nothing was changed.");
                        return false;
                    }
                    List<String> problems = session.engine().decisions().edit(pending, Files.readString(file));
                    if (problems.isEmpty()) {
                        return true;
                    }
                    session.error("the edited document is not valid "
                            + pending.contract().id() + ":");
                    problems.forEach(problem -> session.println("    " + problem));
                    String again = session.ask("Edit again? [Y/n] ");
                    if (again == null || again.strip().toLowerCase(Locale.ROOT).startsWith("n")) {
                        return false;
                    }
                }
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            session.error("cannot run the editor '" + editor + "': " + e.getMessage()
                    + ". Check $VISUAL/$EDITOR, or answer n and describe the change.");
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static boolean item(Pending.ItemDecision pending, Optional<String> first, Session session) {
        Optional<String> typed = first;
        while (true) {
            String answer = typed.isPresent() ? typed.get() : session.ask(hint(pending) + " ");
            typed = Optional.empty();
            if (answer == null) {
                return later(pending.project(), session);
            }
            String key = pending.item().key();
            switch (answer.strip().toLowerCase(Locale.ROOT)) {
                case "r", "retry" -> {
                    String guidance = session.ask("Guidance for the developer (Enter for none): ");
                    if (guidance == null) {
                        return later(pending.project(), session);
                    }
                    session.engine().decisions().decideItem(pending, Approval.Status.RETRY, guidance.strip());
                    return resume(pending.project(), key + " will be tried again.", session);
                }
                case "s", "skip" -> {
                    session.engine().decisions().decideItem(pending, Approval.Status.SKIP, "");
                    return resume(pending.project(), key + " skipped; items that depend on it go on.", session);
                }
                case "a", "accept" -> {
                    session.engine().decisions().decideItem(pending, Approval.Status.ACCEPT, "");
                    return resume(pending.project(), key + " will be committed as it is.", session);
                }
                default ->
                    session.error(
                            "answer r (retry with guidance), s (skip) or a (accept as is); Ctrl+C decides later.");
            }
        }
    }

    private static boolean questions(Pending.Questions pending, Session session) {
        List<Clarification> open = pending.open();
        for (int i = 0; i < open.size(); i++) {
            Clarification q = open.get(i);
            session.println(session.style().bold("Question " + (i + 1) + "/" + open.size()) + " (" + pending.phase()
                    + "): " + q.question());
            for (int o = 0; o < q.options().size(); o++) {
                session.println("  " + (o + 1) + ". " + q.options().get(o));
            }
            while (true) {
                String prompt = q.options().isEmpty()
                        ? "Your answer: "
                        : "Choose 1-" + q.options().size() + " or type your own answer [1]: ";
                String answer = session.ask(prompt);
                if (answer == null) {
                    return later(pending.project(), session);
                }
                String text = answer.strip();
                if (text.isEmpty() && !q.options().isEmpty()) {
                    text = q.options().getFirst();
                } else if (text.matches("\\d{1,2}")) {
                    int n = Integer.parseInt(text);
                    if (n < 1 || n > q.options().size()) {
                        session.error("there is no option " + n + ".");
                        continue;
                    }
                    text = q.options().get(n - 1);
                } else if (text.isEmpty()) {
                    session.error("this question needs an answer in your own words.");
                    continue;
                }
                session.engine().decisions().answer(q, text);
                break;
            }
        }
        return resume(pending.project(), "Thanks; " + pending.phase() + " runs again with your answers.", session);
    }

    private static boolean later(ProjectId project, Session session) {
        session.println("Left for later: /approve " + project + ", /reject " + project + " <feedback> or /answer "
                + project + " when you are ready.");
        return false;
    }

    /** Carries the project on after a decision. */
    static boolean resume(ProjectId project, String done, Session session) {
        session.println(session.style().success(done));
        Supervisor.Start start = session.engine().supervisor().start(project);
        if (start instanceof Supervisor.Start.OwnedElsewhere elsewhere) {
            session.println("The decision is saved; another Orchestrator (" + elsewhere.owner()
                    + ") runs this project and carries on with it.");
        } else {
            session.foreground(project);
        }
        return true;
    }
}
