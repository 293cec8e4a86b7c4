package dev.orchestrator.repl;

import java.util.List;

/** {@code /quit}: leave the session; everything is already saved. */
final class QuitCommand implements Command {
    private static final Spec SPEC = new Spec(
            "quit", List.of("exit", "q"), "", "leave (also Ctrl+D); everything is already saved", "/quit", false);

    @Override
    public Spec spec() {
        return SPEC;
    }

    @Override
    public Outcome run(String arguments, Session session) {
        return Outcome.QUIT;
    }
}
