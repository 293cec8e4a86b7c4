package dev.orchestrator.repl;

import java.util.List;

/** A slash command. Implementations are small and stateless; the session carries the state. */
interface Command {

    /** What the REPL does after a command. */
    enum Outcome {
        CONTINUE,
        QUIT
    }

    /** The name typed after the slash. */
    String name();

    /** Other names that run the same command. */
    default List<String> aliases() {
        return List.of();
    }

    /** The arguments, as shown in help: {@code [id|name]}. */
    String arguments();

    /** What it does, in one line. */
    String summary();

    /** A full example line. */
    String example();

    /** Whether its argument is a project, for tab completion. */
    default boolean takesProject() {
        return false;
    }

    Outcome run(String arguments, Session session);
}
