package dev.orchestrator.repl;

import dev.orchestrator.pipeline.Engine;
import dev.orchestrator.project.Project;
import dev.orchestrator.project.ProjectId;
import dev.orchestrator.project.ProjectService;
import java.time.InstantSource;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.jline.terminal.Terminal;

/**
 * What commands work with: the projects, the terminal and how to style for it.
 *
 * <p>Owned by the REPL thread: commands run on it, one at a time.
 */
final class Session {
    static final int DEFAULT_WIDTH = 100;
    static final int DEFAULT_HEIGHT = 24;

    private final ProjectService projects;
    private final Terminal terminal;
    private final Style style;
    private final InstantSource clock;
    private final Commands commands;
    private final Engine engine;
    private final Map<String, String> environment;
    private final AtomicReference<ProjectId> foreground = new AtomicReference<>();
    private Asker asker = prompt -> null;

    /** Reads one answer from the person; null when they cancel (Ctrl+C) or input ends. */
    @FunctionalInterface
    interface Asker {
        String ask(String prompt);
    }

    Session(
            ProjectService projects,
            Terminal terminal,
            Style style,
            InstantSource clock,
            Commands commands,
            Engine engine,
            Map<String, String> environment) {
        this.projects = projects;
        this.terminal = terminal;
        this.style = style;
        this.clock = clock;
        this.commands = commands;
        this.engine = engine;
        this.environment = Map.copyOf(environment);
    }

    Engine engine() {
        return engine;
    }

    Terminal terminal() {
        return terminal;
    }

    Map<String, String> environment() {
        return environment;
    }

    void asker(Asker asker) {
        this.asker = asker;
    }

    /** Asks the person a question at the prompt; null when they cancel. */
    String ask(String prompt) {
        flush();
        return asker.ask(prompt);
    }

    /** The project whose progress streams and whose questions are asked inline; read by pipeline threads too. */
    Optional<ProjectId> foreground() {
        return Optional.ofNullable(foreground.get());
    }

    void foreground(ProjectId project) {
        foreground.set(project);
    }

    /**
     * The project a command means: the one named, else the foreground one, else the newest.
     * Reports the problem and returns empty when there is none.
     */
    Optional<Project> project(String named) {
        String wanted = named.strip();
        Optional<Project> project = wanted.isEmpty()
                ? foreground()
                        .flatMap(id -> projects.repository().find(id))
                        .or(() -> projects.repository().recent(1).stream().findFirst())
                : projects.resolve(wanted);
        if (project.isEmpty()) {
            error(
                    wanted.isEmpty()
                            ? "there are no projects yet. Type an idea to start one."
                            : "no project is called or numbered '" + wanted + "'. /projects lists them.");
        }
        return project;
    }

    Commands commands() {
        return commands;
    }

    ProjectService projects() {
        return projects;
    }

    Style style() {
        return style;
    }

    InstantSource clock() {
        return clock;
    }

    void println(String line) {
        terminal.writer().println(line);
    }

    void println() {
        terminal.writer().println();
    }

    void flush() {
        terminal.writer().flush();
    }

    /** An error: what went wrong and what to do, on one or two lines. */
    void error(String message) {
        println(style.errorMark() + " " + message);
    }

    /** The terminal's width, or a sensible one when it cannot tell (pipes, dumb terminals). */
    int width() {
        int width = terminal.getWidth();
        return width <= 0 ? DEFAULT_WIDTH : width;
    }

    int height() {
        int height = terminal.getHeight();
        return height <= 0 ? DEFAULT_HEIGHT : height;
    }
}
