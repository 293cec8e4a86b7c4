package dev.orchestrator.repl;

import dev.orchestrator.project.ProjectService;
import java.time.InstantSource;
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

    Session(ProjectService projects, Terminal terminal, Style style, InstantSource clock, Commands commands) {
        this.projects = projects;
        this.terminal = terminal;
        this.style = style;
        this.clock = clock;
        this.commands = commands;
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
