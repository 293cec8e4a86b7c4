package dev.orchestrator.repl;

import dev.orchestrator.OrchestratorException;
import dev.orchestrator.pipeline.Decisions.Pending;
import dev.orchestrator.pipeline.Engine;
import dev.orchestrator.project.Project;
import dev.orchestrator.project.ProjectId;
import dev.orchestrator.project.ProjectService;
import dev.orchestrator.project.ProjectStatus;
import dev.orchestrator.project.StatusCounts;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
    public record Setup(
            String version,
            Path database,
            Path logFile,
            List<String> warnings,
            boolean echoInput,
            Map<String, String> environment) {
        public Setup {
            warnings = List.copyOf(warnings);
            environment = Map.copyOf(environment);
        }
    }

    private final LineReader reader;
    private final Session session;
    private final Setup setup;
    private final boolean dumb;
    private final ReplListener listener;
    private final ShortLines shortLines = new ShortLines();
    private Instant lastInterrupt;

    public Repl(
            Terminal terminal,
            ProjectService projects,
            Engine engine,
            Path historyFile,
            Style style,
            InstantSource clock,
            Setup setup) {
        this.setup = setup;
        this.dumb = Style.isDumb(terminal);
        Commands commands = new Commands(List.of(
                new HelpCommand(),
                new ProjectsCommand(),
                new StatusCommand(),
                new ResumeCommand(),
                new StopCommand(),
                new ApproveCommand(),
                new RejectCommand(),
                new AnswerCommand(),
                new ViewCommand(),
                new LogCommand(),
                new SwitchCommand(),
                new ExportCommand(),
                new BudgetCommand(),
                new AgentsCommand(),
                new DetachCommand(),
                new QuitCommand()));
        this.session = new Session(projects, terminal, style, clock, commands, engine, setup.environment());
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
        session.asker(this::ask);
        this.listener = new ReplListener(session, reader);
    }

    /** How the person left. */
    public enum Exit {
        /** Running projects were stopped gracefully; everything is saved. */
        QUIT,
        /**
         * At once, leaving the running agents to finish their calls: the caller must end the
         * process now, without closing anything (the next start adopts the agents).
         */
        DETACH
    }

    /** Runs the session until the person leaves. */
    public Exit run() {
        session.engine().listeners().add(listener);
        try {
            return loop();
        } finally {
            session.engine().listeners().remove(listener);
        }
    }

    private Exit loop() {
        List<Engine.KeptWorking> kept = keptWorking();
        printBanner(kept);
        resumeKeptWorking(kept);
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
            Command.Outcome outcome = handle(printable(line));
            if (outcome == Command.Outcome.QUIT) {
                break;
            }
            if (outcome == Command.Outcome.DETACH) {
                detach();
                return Exit.DETACH;
            }
            session.flush();
        }
        stopRunning();
        session.println(session.style().dim("Everything is saved in " + setup.database() + ". Bye."));
        session.flush();
        return Exit.QUIT;
    }

    /** Leaves the running agents at work: nothing new starts, and the next start adopts them. */
    private void detach() {
        List<String> working = session.engine().detach();
        session.println(
                working.isEmpty()
                        ? "Detached; no agent was at work. Everything is saved in " + setup.database() + "."
                        : "Detached: " + working.size() + (working.size() == 1 ? " agent keeps" : " agents keep")
                                + " working (" + String.join(", ", working) + "); the next start of Orchestrator"
                                + " adopts " + (working.size() == 1 ? "it" : "them")
                                + ". Everything else is saved in " + setup.database() + ".");
        session.flush();
    }

    /**
     * Projects whose agents kept working while no Orchestrator watched (it was killed, crashed or
     * detached) carry on at once, so those agents are followed again and their answers taken.
     */
    private void resumeKeptWorking(List<Engine.KeptWorking> kept) {
        if (kept.isEmpty()) {
            return;
        }
        session.println(session.style().yellow(Engine.describe(kept)));
        for (ProjectId id : kept.stream().map(k -> k.project()).distinct().toList()) {
            var start = session.engine().supervisor().start(id);
            if (start instanceof dev.orchestrator.pipeline.Supervisor.Start.Started) {
                session.foreground(id);
                session.println("  Project " + id + " carries on; /status " + id + " shows it.");
            }
        }
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

    /** Stops running projects gracefully before the session ends, printing each step. */
    private void stopRunning() {
        Duration grace = Duration.ofSeconds(
                session.engine().services().config().recovery().shutdownGraceSeconds());
        session.engine().supervisor().stopAll(grace, step -> {
            session.println(session.style().dim(step));
            session.flush();
        });
    }

    /** Reads an answer at the prompt for an inline question; null when cancelled. */
    private String ask(String prompt) {
        reader.setVariable(LineReader.DISABLE_HISTORY, true);
        try {
            String answer = reader.readLine(prompt);
            echo(answer);
            return printable(answer);
        } catch (UserInterruptException | EndOfFileException e) {
            return null;
        } finally {
            reader.setVariable(LineReader.DISABLE_HISTORY, false);
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
        int running = session.engine().supervisor().runningProjects().size();
        session.println(
                session.style()
                        .dim(
                                running == 0
                                        ? "(Ctrl+C again within 2 seconds quits; so do /quit and Ctrl+D. Everything is saved.)"
                                        : "(" + running + (running == 1 ? " project is" : " projects are")
                                                + " running. Ctrl+C again "
                                                + "within 2 seconds stops them gracefully and quits; /stop stops one. Everything is saved.)"));
        session.flush();
        return false;
    }

    private Command.Outcome handle(String line) {
        try {
            if (shortLines.opensHinted(line, session)) {
                return Command.Outcome.CONTINUE;
            }
            if (line.startsWith("/")) {
                return runCommand(line);
            }
            Optional<Pending> pending = session.foreground()
                    .flatMap(id -> session.engine().decisions().pending(id));
            if (pending.isPresent() && Prompter.isAnswer(pending.get(), line)) {
                Prompter.settle(pending.get(), Optional.of(line), session);
                return Command.Outcome.CONTINUE;
            }
            if (line.isEmpty()) {
                return Command.Outcome.CONTINUE;
            }
            if (ShortLines.tooShort(line)) {
                shortLines.reply(line, session);
                return Command.Outcome.CONTINUE;
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
            session.foreground(project.id());
            if (session.engine().supervisor().start(project.id())
                    instanceof dev.orchestrator.pipeline.Supervisor.Start.AgentUnavailable unavailable) {
                session.println(style.yellow("  The project waits: ") + unavailable.reason());
                return;
            }
            session.println(style.dim("  Its pipeline is running; progress shows here. /status " + project.id()
                    + " shows it, /stop " + project.id() + " stops it, /projects lists every project."));
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

    /** The agents that kept working while no Orchestrator watched; none when they cannot be looked at. */
    private List<Engine.KeptWorking> keptWorking() {
        try {
            return session.engine().keptWorking();
        } catch (RuntimeException e) {
            log.warn("looking for agents that kept working failed", e);
            return List.of();
        }
    }

    /**
     * Projects whose run was cut off (a crash, a kill) and projects waiting for the person; those
     * whose agents kept working carry on by themselves and are not listed.
     */
    private void reportInterrupted(List<Engine.KeptWorking> kept) {
        Style style = session.style();
        List<ProjectId> carryOn = kept.stream().map(Engine.KeptWorking::project).toList();
        List<ProjectId> interrupted = session.engine().supervisor().interrupted().stream()
                .filter(id -> !carryOn.contains(id))
                .toList();
        if (!interrupted.isEmpty()) {
            session.println(style.yellow(interrupted.size()
                            + (interrupted.size() == 1 ? " project was interrupted: " : " projects were interrupted: "))
                    + String.join(
                            ", ",
                            interrupted.stream().map(id -> "/resume " + id).toList()));
        }
        for (Project project : session.projects().repository().recent(50)) {
            if ((project.status() == ProjectStatus.STOPPED || project.status() == ProjectStatus.PAUSED)
                    && !interrupted.contains(project.id())
                    && !carryOn.contains(project.id())) {
                session.println("Project " + project.id() + " " + project.name() + " is "
                        + StatusText.label(project.status()) + ": /resume " + project.id() + " carries it on");
            }
            if (project.status() == ProjectStatus.WAITING_APPROVAL || project.status() == ProjectStatus.CLARIFYING) {
                session.println("Project " + project.id() + " " + project.name() + " is "
                        + StatusText.label(project.status()) + ": "
                        + (project.status() == ProjectStatus.CLARIFYING ? "/answer " : "/approve ") + project.id());
            }
        }
    }

    /** The agent in use: its version and model, or why it cannot run and what to do. */
    private void printAgent(Style style) {
        var services = session.engine().services();
        dev.orchestrator.agent.AgentStatus status = services.agent().status();
        String fallback = services.fallback()
                .map(f -> " " + style.dot() + " fallback " + f.name()
                        + (f.unavailable().isPresent() ? " (unavailable: /agents)" : ""))
                .orElse("");
        if (status.available()) {
            session.println("Agent: " + status.backend()
                    + status.version().map(v -> " " + v).orElse("")
                    + " " + style.dot() + " model " + status.model().orElse("its default") + fallback);
        } else {
            session.println(style.yellow("Agent: " + status.backend() + " cannot run: ")
                    + status.problem().orElseThrow() + fallback + " " + style.dot()
                    + " new projects wait until it can; /agents shows every backend");
        }
    }

    private void printBanner(List<Engine.KeptWorking> kept) {
        Style style = session.style();
        session.println(
                style.bold("Orchestrator " + setup.version()) + " " + style.dot() + " database " + setup.database());
        for (String warning : setup.warnings()) {
            session.println(style.yellow("warning: ") + warning);
        }
        if (!session.engine().agentName().equals("scripted")) {
            printAgent(style);
        }
        if (session.engine().agentName().equals("scripted")) {
            session.println(style.yellow("Agent: scripted") + " " + style.dash() + " replies are replayed from "
                    + session.engine()
                            .services()
                            .config()
                            .agent()
                            .script()
                            .map(Path::toString)
                            .orElse("a script")
                    + "; no real coding agent runs.");
        }
        reportInterrupted(kept);
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
