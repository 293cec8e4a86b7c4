package dev.orchestrator.repl;

import java.util.List;

/** A slash command: what it is called and how it is used, and what it does. Stateless; the session carries state. */
interface Command {

    /** What the REPL does after a command. */
    enum Outcome {
        CONTINUE,
        QUIT,
        /** Leave at once; running agents finish their calls on their own and the next start adopts them. */
        DETACH
    }

    /**
     * How a command is named and taught.
     *
     * @param name what is typed after the slash
     * @param aliases other names that run it
     * @param arguments its arguments as help shows them, e.g. {@code [id|name]}
     * @param summary what it does, in one line
     * @param example a full example line
     * @param takesProject whether its argument is a project, for tab completion
     */
    record Spec(
            String name, List<String> aliases, String arguments, String summary, String example, boolean takesProject) {
        public Spec {
            aliases = List.copyOf(aliases);
        }

        /** {@code /status [id|name]}. */
        String usage() {
            return "/" + name + (arguments.isEmpty() ? "" : " " + arguments);
        }
    }

    Spec spec();

    Outcome run(String arguments, Session session);

    /** What tab offers for the argument at {@code index} (0 is the project); none by default. */
    default List<String> completions(int index) {
        return List.of();
    }
}
