package dev.orchestrator.repl;

import dev.orchestrator.OrchestratorException;
import dev.orchestrator.project.Project;
import dev.orchestrator.project.ProjectService;
import dev.orchestrator.project.ProjectStatus;
import dev.orchestrator.project.StatusCounts;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.MaskingCallback;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.DefaultParser;
import org.jline.terminal.Terminal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chat session: reads a line, runs the slash command it names or starts a project from the
 * idea it holds, and goes on until /quit, Ctrl+D or a second Ctrl+C.
 *
 * <p>Runs on the thread that calls {@link #run()}, which owns the terminal and the line reader.
 */
public final class Repl {
    private static final Logger log = LoggerFactory.getLogger(Repl.class);

    /** A second Ctrl+C on an empty line within this time quits. */
    static final Duration DOUBLE_INTERRUPT = Duration.ofSeconds(2);

    /**
     * The installation the session reports on (banner, error hints) and how it reads input.
     *
     * @param logFile where errors send the person for detail
     * @param warnings configuration warnings, shown under the banner
     * @param echoInput repeat each line read after its prompt: for scripted input, where nobody
     *     typed it and so no terminal showed it
     */
    public record Setup(String version, Path database, Path logFile, List<String> warnings, boolean echoInput) {
        public Setup {
            warnings = List.copyOf(warnings);
        }
    }

    private final LineReader reader;
    private final Session session;
    private final Setup setup;
    private final boolean dumb;
    private Instant lastInterrupt;

    public Repl(
            Terminal terminal,
            ProjectService projects,
            Path historyFile,
            Style style,
            InstantSource clock,
            Setup setup) {
        this.setup = setup;
        this.dumb = Style.isDumb(terminal);
        Commands commands =
                new Commands(List.of(new HelpCommand(), new ProjectsCommand(), new StatusCommand(), new QuitCommand()));
        this.session = new Session(projects, terminal, style, clock, commands);
        DefaultParser parser = new DefaultParser();
        // Ideas are prose: an apostrophe or a backslash is text, never a quote to be closed.
        parser.setQuoteChars(new char[0]);
        parser.setEscapeChars(new char[0]);
        parser.setEofOnUnclosedQuote(false);
        this.reader = LineReaderBuilder.builder()
                .terminal(terminal)
                .appName("orchestrator")
                .parser(parser)
                .completer(new ReplCompleter(commands, projects.repository()))
                .variable(LineReader.HISTORY_FILE, historyFile)
                .variable(LineReader.HISTORY_SIZE, 1_000)
                .variable(LineReader.HISTORY_FILE_SIZE, 10_000)
                .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true)
                .option(LineReader.Option.HISTORY_IGNORE_DUPS, true)
                .option(LineReader.Option.AUTO_FRESH_LINE, true)
                .build();
    }

    /** Runs the session until the person leaves. */
    public void run() {
        printBanner();
        warmUp();
        String prompt = session.style().bold(session.style().promptMark()) + " ";
        while (true) {
            String line;
            try {
                line = reader.readLine(prompt);
            } catch (UserInterruptException e) {
                if (interruptQuits(e.getPartialLine())) {
                    break;
                }
                continue;
            } catch (EndOfFileException e) {
                break;
            }
            lastInterrupt = null;
            echo(line);
            if (handle(printable(line)) == Command.Outcome.QUIT) {
                break;
            }
            session.flush();
        }
        session.println(session.style().dim("Everything is saved in " + setup.database() + ". Bye."));
        session.flush();
    }

    /** The line without control characters (a stray Ctrl+U or escape must not become part of an idea). */
    static String printable(String line) {
        return line.replaceAll("[\\p{Cntrl}&&[^\\t]]", "").replace('\t', ' ').strip();
    }

    private void echo(String line) {
        if (setup.echoInput()) {
            session.println(line);
        }
    }

    /** Ctrl+C: clears a line with text; on an empty line explains, and a second one soon after quits. */
    private boolean interruptQuits(String partialLine) {
        if (partialLine != null && !partialLine.isEmpty()) {
            lastInterrupt = null;
            return false;
        }
        Instant now = session.clock().instant();
        if (lastInterrupt != null && Duration.between(lastInterrupt, now).compareTo(DOUBLE_INTERRUPT) <= 0) {
            return true;
        }
        lastInterrupt = now;
        session.println(session.style()
                .dim("(Ctrl+C again within 2 seconds quits; so do /quit and Ctrl+D. Everything is saved.)"));
        session.flush();
        return false;
    }

    private Command.Outcome handle(String line) {
        if (line.isEmpty()) {
            return Command.Outcome.CONTINUE;
        }
        try {
            if (line.startsWith("/")) {
                return runCommand(line);
            }
            newProject(line);
            return Command.Outcome.CONTINUE;
        } catch (EndOfFileException e) {
            return Command.Outcome.QUIT;
        } catch (OrchestratorException e) {
            session.error(e.getMessage());
        } catch (RuntimeException e) {
            log.error("unexpected failure handling '{}'", line, e);
            session.error(
                    "something went wrong: " + e + ". Nothing saved was lost; details are in " + setup.logFile() + ".");
        }
        return Command.Outcome.CONTINUE;
    }

    private Command.Outcome runCommand(String line) {
        String[] parts = line.substring(1).split("\\s+", 2);
        String name = parts[0];
        String arguments = parts.length > 1 ? parts[1] : "";
        var command = session.commands().find(name);
        if (command.isEmpty()) {
            session.error((name.isEmpty() ? "a command name goes after the slash. " : "unknown command /" + name + ". ")
                    + suggestion(session.commands(), name));
            return Command.Outcome.CONTINUE;
        }
        return command.get().run(arguments, session);
    }

    static String suggestion(Commands commands, String typed) {
        List<String> near = typed.isEmpty() ? List.of() : commands.nearest(typed);
        String didYouMean = near.isEmpty()
                ? ""
                : "Did you mean "
                        + String.join(" or ", near.stream().map(n -> "/" + n).toList()) + "? ";
        return didYouMean + "/help lists every command.";
    }

    // ---- new projects ------------------------------------------------------------------------

    private void newProject(String idea) {
        Style style = session.style();
        String suggested = session.projects().suggestName(idea);
        session.println(
                style.dim("New project from your idea. Enter accepts the name, or type another; " + "Ctrl+C cancels."));
        while (true) {
            String answer = askName(suggested);
            if (answer == null) {
                session.println("Cancelled; no project was created.");
                return;
            }
            String name = printable(answer).isEmpty() ? suggested : printable(answer);
            var problem = session.projects().problemWithName(name);
            if (problem.isPresent()) {
                session.error(problem.get() + ". Type another name, or press Ctrl+C to cancel.");
                continue;
            }
            Project project = session.projects().create(idea, name);
            log.info("created project {} '{}' in {}", project.id(), project.name(), project.workspace());
            session.println(
                    style.success("Created project " + style.bold(project.id().toString())) + " " + style.dot() + " "
                            + style.bold(project.name()));
            session.println("  Folder  " + project.workspace());
            session.println("  Status  " + StatusText.label(project.status()) + " " + style.dash() + " "
                    + StatusText.nextStep(project.status()));
            session.println(style.dim("  /status " + project.id() + " shows it; /projects lists every project."));
            return;
        }
    }

    /** Reads a project name; null when cancelled. The suggestion is editable where the terminal allows. */
    private String askName(String suggested) {
        reader.setVariable(LineReader.DISABLE_HISTORY, true);
        try {
            if (dumb) {
                String answer = reader.readLine("  Name [" + suggested + "]: ");
                echo(answer);
                return answer;
            }
            return reader.readLine("  Name: ", null, (MaskingCallback) null, suggested);
        } catch (UserInterruptException e) {
            return null;
        } finally {
            reader.setVariable(LineReader.DISABLE_HISTORY, false);
        }
    }

    /**
     * While the person reads the banner and types, runs one real query on a background thread so
     * that the query layer's one-time start-up is already paid when the first command arrives.
     */
    private void warmUp() {
        Thread.ofPlatform().daemon().name("warm-up").start(() -> {
            try {
                session.projects().repository().list(1, 1);
                session.projects().repository().phases(new dev.orchestrator.project.ProjectId(1));
            } catch (RuntimeException e) {
                log.debug("warm-up query failed; the first command will show any real problem", e);
            }
        });
    }

    // ---- banner ------------------------------------------------------------------------------

    private void printBanner() {
        Style style = session.style();
        session.println(
                style.bold("Orchestrator " + setup.version()) + " " + style.dot() + " database " + setup.database());
        for (String warning : setup.warnings()) {
            session.println(style.yellow("warning: ") + warning);
        }
        StatusCounts counts = session.projects().repository().counts();
        if (counts.total() == 0) {
            session.println("No projects yet. Type an idea to start one, or /help to see what you can do.");
        } else {
            List<String> parts = new ArrayList<>();
            for (ProjectStatus status : ProjectStatus.values()) {
                long count = counts.of(status);
                if (count > 0) {
                    parts.add(count + " " + StatusText.label(status));
                }
            }
            session.println(counts.total() + (counts.total() == 1 ? " project: " : " projects: ")
                    + String.join(", ", parts) + " " + style.dot() + " /projects lists them " + style.dot()
                    + " /help for commands");
            session.println("Type an idea to start a new project.");
        }
        session.flush();
    }
}
