package dev.orchestrator.repl;

import java.util.List;

/** {@code /quit [--detach]}: leave the session, stopping running projects gracefully, or leaving their agents at work. */
final class QuitCommand implements Command {
    private static final Spec SPEC = new Spec(
            "quit",
            List.of("exit", "q"),
            "[--detach]",
            "leave (also Ctrl+D): running projects stop at a safe point; with --detach their agents keep working",
            "/quit",
            false);

    @Override
    public Spec spec() {
        return SPEC;
    }

    @Override
    public Outcome run(String arguments, Session session) {
        String argument = arguments.strip();
        if (argument.isEmpty()) {
            return Outcome.QUIT;
        }
        if (argument.equals("--detach")) {
            return Outcome.DETACH;
        }
        session.error("/quit takes nothing, or --detach (leave at once, the agents keep working), not '" + argument
                + "'. /help quit explains.");
        return Outcome.CONTINUE;
    }
}
